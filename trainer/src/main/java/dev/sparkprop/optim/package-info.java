/**
 * Optimizers: a sealed family of records that hold hyperparameters only, and the mutable
 * {@link dev.sparkprop.optim.OptimizerState} each creates for a run. The protocol is one call:
 * {@code state.step(params, gradient, learningRate)} with the mean gradient of the batch (any
 * L2 term already added, any clipping by {@link dev.sparkprop.optim.GradientClipping} already
 * done), once per iteration, on the driver. {@link dev.sparkprop.optim.AdamW} decays the weights
 * itself, so its state is made with a mask of which entries are weights; and the learning rate
 * passed to each step is the base rate times a {@link dev.sparkprop.optim.Schedule}'s factor.
 */
package dev.sparkprop.optim;
