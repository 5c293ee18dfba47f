package dev.sparkprop.train;

/**
 * What one epoch did.
 *
 * @param epoch 1-based
 * @param trainLoss the mean loss over the epoch's batches, as seen while training
 * @param validation the validation set's evaluation after the epoch, or null without one
 * @param seconds wall time of the epoch (training and validation)
 * @param examplesPerSecond training examples processed per second of training
 */
public record EpochStats(int epoch, double trainLoss, Evaluation validation, double seconds,
    double examplesPerSecond, double elapsedSeconds) {}
