package dev.sparkprop.train;

/**
 * What one epoch did.
 *
 * @param epoch 1-based
 * @param trainLoss the mean loss over the epoch's batches, as seen while training
 * @param validation the validation set's evaluation after the epoch, or null without one
 * @param seconds wall time of the epoch (training and validation)
 * @param examplesPerSecond training examples processed per second of training
 * @param computeSeconds of the training time, the part the slowest partition spent in the
 *     kernels, iteration by iteration
 * @param coordinationSeconds the rest of the training time: broadcast, scheduling, result
 *     transfer, aggregation and the optimizer step on the driver
 * @param learningRate the learning rate at the epoch's last step
 */
public record EpochStats(int epoch, double trainLoss, Evaluation validation, double seconds,
    double examplesPerSecond, double elapsedSeconds, double computeSeconds, double coordinationSeconds,
    double learningRate) {}
