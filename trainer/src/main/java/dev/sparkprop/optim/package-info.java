/**
 * Optimizers: a sealed family of records that hold hyperparameters only, and the mutable
 * {@link dev.sparkprop.optim.OptimizerState} each creates for a run. The protocol is one call:
 * {@code state.step(params, gradient, learningRate)} with the mean gradient of the batch (any
 * weight-decay term already added), once per iteration, on the driver.
 */
package dev.sparkprop.optim;
