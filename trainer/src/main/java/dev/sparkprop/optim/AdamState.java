package dev.sparkprop.optim;

/**
 * The moment estimates and step count of {@link Adam} and {@link AdamW}, in one place so that
 * AdamW with λ = 0 is Adam bit for bit. With a decay mask it also applies AdamW's decoupled
 * weight decay θ ← θ − η λ θ to the masked-in entries, using θ from before this step's update.
 */
final class AdamState extends VectorState {

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final boolean[] decays; // null: no entry decays
  private final double[] m;
  private final double[] v;

  AdamState(int size, double beta1, double beta2, double epsilon, double weightDecay, boolean[] decays) {
    this(new double[size], new double[size], beta1, beta2, epsilon, weightDecay, decays);
  }

  private AdamState(double[] m, double[] v, double beta1, double beta2, double epsilon, double weightDecay,
      boolean[] decays) {
    super(weightDecay > 0.0 ? "adamw" : "adam", m, v);
    this.m = m;
    this.v = v;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.decays = decays == null ? null : decays.clone();
  }

  @Override
  void update(double[] params, double[] gradient, double eta, long t) {
    double c1 = 1.0 - Math.pow(beta1, t);
    double c2 = 1.0 - Math.pow(beta2, t);
    double shrink = eta * weightDecay;
    for (int i = 0; i < params.length; i++) {
      double g = gradient[i];
      m[i] = beta1 * m[i] + (1.0 - beta1) * g;
      v[i] = beta2 * v[i] + (1.0 - beta2) * g * g;
      double theta = params[i];
      double update = eta * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
      // The decay is taken from θ before the Adam update, as in the paper's Algorithm 2.
      params[i] = decays != null && decays[i] ? theta - update - shrink * theta : theta - update;
    }
  }
}
