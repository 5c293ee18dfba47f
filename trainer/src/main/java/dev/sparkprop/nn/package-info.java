/**
 * Fully connected networks: their description, their parameters as one flat vector, and the
 * batched forward and backward passes.
 *
 * <p>Notation used inside the kernels, for layer l = 1..L and a batch of m examples held as
 * columns:
 * <ul>
 *   <li>{@code a0} (d × m) the inputs; {@code W_l} (n_l × n_{l-1}) and {@code b_l} (n_l) the
 *       layer's weights and biases;</li>
 *   <li>{@code z_l = W_l · a_{l-1} + b_l} the pre-activations, {@code a_l = f(z_l)} the
 *       activations; the output layer's function belongs to the {@link dev.sparkprop.nn.Loss};</li>
 *   <li>{@code delta_l = dLoss/dz_l}; backward applies the chain rule from the top:
 *       {@code dW_l = delta_l · a_{l-1}ᵀ}, {@code db_l = delta_l · 1},
 *       {@code delta_{l-1} = (W_lᵀ · delta_l) ⊙ f'(z_{l-1})}.</li>
 *   <li>with {@link dev.sparkprop.nn.Dropout} in training, each hidden {@code a_l} is replaced by
 *       {@code a_l ⊙ s_l}, {@code s_l} ∈ {0, 1/(1 − p)} per unit and example, and
 *       {@code delta_{l-1} = (W_lᵀ · delta_l) ⊙ s_{l-1} ⊙ f'(z_{l-1})}.</li>
 * </ul>
 * All matrices are column-major {@code double[]}; the parameter layout is defined once, in
 * {@link dev.sparkprop.nn.ParameterLayout}.
 */
package dev.sparkprop.nn;
