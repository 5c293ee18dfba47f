package dev.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The first two steps of every optimizer on a two-parameter problem, against values worked out
 * by hand. The problem is the same for all of them:
 *
 * <pre>
 *   θ₀ = (1, 2),  η = 0.1,  g₁ = (0.5, −1),  g₂ = (0.25, 2)
 * </pre>
 *
 * The gradients are fixed (not computed from θ), so each step is a pure function of the state.
 */
@DisplayName("Optimizer steps")
class OptimizerStepsTest {

  private static final double ETA = 0.1;
  private static final double[] THETA0 = {1.0, 2.0};
  private static final double[] G1 = {0.5, -1.0};
  private static final double[] G2 = {0.25, 2.0};

  /** Relative tolerance where the hand arithmetic is exact in decimal: a few ulps of rounding. */
  private static final double EXACT = 1e-15;

  /** Runs two steps and returns {θ₁, θ₂}; also checks that steps() counts 0, 1, 2. */
  private static double[][] twoSteps(Optimizer optimizer) {
    return twoSteps(optimizer.newState(2));
  }

  private static double[][] twoSteps(OptimizerState state) {
    assertEquals(0, state.steps(), "a fresh state has taken no steps");
    double[] theta = THETA0.clone();
    state.step(theta, G1.clone(), ETA);
    assertEquals(1, state.steps(), "steps() after one step");
    double[] theta1 = theta.clone();
    state.step(theta, G2.clone(), ETA);
    assertEquals(2, state.steps(), "steps() after two steps");
    return new double[][] {theta1, theta.clone()};
  }

  private static void assertClose(double expected, double actual, double relTol, String what) {
    double err = Math.abs(expected - actual) / Math.abs(expected);
    assertTrue(err <= relTol, () -> what + ": expected " + expected + " but was " + actual
        + " (relative error " + err + " > " + relTol + ")");
  }

  @Test
  @DisplayName("SGD: θ ← θ − η g")
  void sgd() {
    double[][] t = twoSteps(new Sgd(ETA));
    // θ₁ = θ₀ − η g₁ = (1 − 0.1·0.5, 2 − 0.1·(−1)) = (0.95, 2.1)
    assertClose(0.95, t[0][0], EXACT, "θ₁[0]");
    assertClose(2.1, t[0][1], EXACT, "θ₁[1]");
    // θ₂ = θ₁ − η g₂ = (0.95 − 0.1·0.25, 2.1 − 0.1·2) = (0.925, 1.9)
    assertClose(0.925, t[1][0], EXACT, "θ₂[0]");
    assertClose(1.9, t[1][1], EXACT, "θ₂[1]");
  }

  @Test
  @DisplayName("Classical momentum: v ← μ v + g, θ ← θ − η v")
  void classicalMomentum() {
    double[][] t = twoSteps(new Momentum(ETA, 0.9, false));
    // v₁ = 0.9·0 + g₁ = (0.5, −1);  θ₁ = (1 − 0.1·0.5, 2 − 0.1·(−1)) = (0.95, 2.1)
    assertClose(0.95, t[0][0], EXACT, "θ₁[0]");
    assertClose(2.1, t[0][1], EXACT, "θ₁[1]");
    // v₂ = 0.9·(0.5, −1) + (0.25, 2) = (0.45 + 0.25, −0.9 + 2) = (0.7, 1.1)
    // θ₂ = (0.95 − 0.1·0.7, 2.1 − 0.1·1.1) = (0.88, 1.99)
    assertClose(0.88, t[1][0], EXACT, "θ₂[0]");
    assertClose(1.99, t[1][1], EXACT, "θ₂[1]");
  }

  @Test
  @DisplayName("Nesterov momentum: v ← μ v + g, θ ← θ − η (g + μ v)")
  void nesterovMomentum() {
    double[][] t = twoSteps(new Momentum(ETA, 0.9, true));
    // v₁ = (0.5, −1);  g₁ + μ v₁ = (0.5 + 0.45, −1 − 0.9) = (0.95, −1.9)
    // θ₁ = (1 − 0.1·0.95, 2 − 0.1·(−1.9)) = (0.905, 2.19)
    assertClose(0.905, t[0][0], EXACT, "θ₁[0]");
    assertClose(2.19, t[0][1], EXACT, "θ₁[1]");
    // v₂ = (0.7, 1.1);  g₂ + μ v₂ = (0.25 + 0.63, 2 + 0.99) = (0.88, 2.99)
    // θ₂ = (0.905 − 0.1·0.88, 2.19 − 0.1·2.99) = (0.817, 1.891)
    assertClose(0.817, t[1][0], EXACT, "θ₂[0]");
    assertClose(1.891, t[1][1], EXACT, "θ₂[1]");
  }

  @Test
  @DisplayName("Momentum 0 is plain SGD, and Nesterov differs from classical from the first step")
  void momentumLimits() {
    double[][] zero = twoSteps(new Momentum(ETA, 0.0, false));
    double[][] sgd = twoSteps(new Sgd(ETA));
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 2; i++) {
        assertEquals(sgd[s][i], zero[s][i], 0.0, "μ = 0 must reduce to SGD");
      }
    }
    assertNotEquals(twoSteps(new Momentum(ETA, 0.9, false))[0][0],
        twoSteps(new Momentum(ETA, 0.9, true))[0][0]);
  }

  @Test
  @DisplayName("Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8): bias-corrected first and second moments")
  void adam() {
    double[][] t = twoSteps(new Adam(ETA, 0.9, 0.999, 1e-8));
    // Step 1: m₁ = 0.1·g₁ = (0.05, −0.1), v₁ = 0.001·g₁² = (0.00025, 0.001);
    //   c₁ = 1 − 0.9 = 0.1, c₂ = 1 − 0.999 = 0.001, so m̂ = g₁ = (0.5, −1), v̂ = g₁² = (0.25, 1)
    //   Δ[0] = 0.1·0.5 / (0.5 + 1e-8) = 0.1 / (1 + 2e-8) = 0.099999998000000039999…
    //   Δ[1] = 0.1·(−1) / (1 + 1e-8)                     = −0.099999999000000009999…
    // θ₁ = (1 − 0.0999999980000000400, 2 + 0.0999999990000000100)
    assertClose(0.90000000199999996, t[0][0], EXACT, "θ₁[0]");
    assertClose(2.09999999900000001, t[0][1], EXACT, "θ₁[1]");
    // Step 2: m₂ = 0.9·(0.05, −0.1) + 0.1·(0.25, 2) = (0.045 + 0.025, −0.09 + 0.2) = (0.07, 0.11)
    //   v₂ = 0.999·(0.00025, 0.001) + 0.001·(0.0625, 4) = (0.00031225, 0.004999)
    //   c₁ = 1 − 0.9² = 0.19, c₂ = 1 − 0.999² = 0.001999
    //   m̂ = (0.07/0.19, 0.11/0.19) = (0.368421052631578947…, 0.578947368421052631…)
    //   v̂ = (0.00031225/0.001999, 0.004999/0.001999) = (0.156203101550775387…, 2.500750375187593796…)
    //   √v̂ = (0.395225380701664183…, 1.581376101750495594…)
    //   Δ = 0.1·m̂ / (√v̂ + 1e-8) = (0.093217961522538291…, 0.036610352472075098…)
    // θ₂ = θ₁ − Δ (computed to 40 digits in decimal arithmetic)
    assertClose(0.80678204047746166896, t[1][0], EXACT, "θ₂[0]");
    assertClose(2.06338964652792491179, t[1][1], EXACT, "θ₂[1]");
  }

  @Test
  @DisplayName("Adam's first step moves every coordinate by ≈ η against its gradient's sign, whatever its scale")
  void adamFirstStepIsScaleFree() {
    OptimizerState state = new Adam(ETA, 0.9, 0.999, 1e-8).newState(3);
    double[] theta = {0.0, 0.0, 0.0};
    state.step(theta, new double[] {1e-3, -50.0, 7.0}, ETA);
    // m̂ = g and v̂ = g², so Δ = η g / (|g| + ε) = η sign(g) / (1 + ε/|g|)
    assertClose(-0.1 / (1 + 1e-5), theta[0], EXACT, "θ[0]");      // ε/|g| = 1e-8/1e-3
    assertClose(0.1 / (1 + 2e-10), theta[1], EXACT, "θ[1]");      // ε/|g| = 1e-8/50
    assertClose(-0.1 / (1 + 1e-8 / 7), theta[2], EXACT, "θ[2]");  // ε/|g| = 1e-8/7
    for (double t : theta) {
      assertEquals(0.1, Math.abs(t), 1e-6, "|Δ| ≈ η for gradients spanning five decades");
    }
  }

  @Test
  @DisplayName("AdamW (λ = 0.1): Adam's step, then θ ← θ − η λ θ with θ from before the step")
  void adamW() {
    double[][] t = twoSteps(new AdamW(ETA, 0.9, 0.999, 1e-8, 0.1));
    // η λ = 0.01. The moments do not depend on θ, so each step is Adam's Δ (see adam()) plus 0.01 θ.
    // Step 1: Δ₁ = (0.0999999980000000400, −0.0999999990000000100), decay 0.01 θ₀ = (0.01, 0.02)
    // θ₁ = (1 − 0.09999999800000004 − 0.01, 2 + 0.09999999900000001 − 0.02)
    assertClose(0.89000000199999996, t[0][0], EXACT, "θ₁[0]");
    assertClose(2.07999999900000001, t[0][1], EXACT, "θ₁[1]");
    // Step 2: Δ₂ = (0.093217961522538291…, 0.036610352472075098…), θ₂ = θ₁ − Δ₂ − 0.01 θ₁ = 0.99 θ₁ − Δ₂
    //   0.99·0.89000000199999996 − 0.093217961522538291… = 0.881100001979999960… − 0.093217961522538291…
    //   0.99·2.07999999900000001 − 0.036610352472075098… = 2.059199999010000010… − 0.036610352472075098…
    assertClose(0.78788204045746166936, t[1][0], EXACT, "θ₂[0]");
    assertClose(2.02258964653792491169, t[1][1], EXACT, "θ₂[1]");
  }

  @Test
  @DisplayName("AdamW leaves entries the mask excludes (biases) undecayed: they follow Adam exactly")
  void adamWMask() {
    AdamW adamW = new AdamW(ETA, 0.9, 0.999, 1e-8, 0.1);
    double[][] masked = twoSteps(adamW.newState(2, new boolean[] {true, false}));
    double[][] adam = twoSteps(new Adam(ETA, 0.9, 0.999, 1e-8));
    double[][] all = twoSteps(adamW);
    for (int s = 0; s < 2; s++) {
      assertEquals(all[s][0], masked[s][0], 0.0, "a weight decays as without a mask");
      assertEquals(adam[s][1], masked[s][1], 0.0, "a bias is updated by Adam alone");
    }
    // newState(size) decays everything, as the paper does; the mask all true is the same.
    double[][] allTrue = twoSteps(adamW.newState(2, new boolean[] {true, true}));
    assertEquals(all[1][1], allTrue[1][1], 0.0);
    assertNotEquals(adam[1][1], all[1][1]);
  }

  @Test
  @DisplayName("AdamW copies its mask: changing the array afterwards changes nothing")
  void adamWCopiesTheMask() {
    boolean[] mask = {true, false};
    OptimizerState state = new AdamW(ETA, 0.9, 0.999, 1e-8, 0.1).newState(2, mask);
    mask[1] = true;
    double[][] t = twoSteps(state);
    assertClose(2.06338964652792491179, t[1][1], EXACT, "θ₂[1] as Adam's (see adam())");
  }

  @Test
  @DisplayName("AdamW with λ = 0 is Adam, bit for bit")
  void adamWWithoutDecayIsAdam() {
    double[][] adamW = twoSteps(new AdamW(ETA, 0.9, 0.999, 1e-8, 0.0));
    double[][] adam = twoSteps(new Adam(ETA, 0.9, 0.999, 1e-8));
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 2; i++) {
        assertEquals(adam[s][i], adamW[s][i], 0.0);
      }
    }
  }

  @Test
  @DisplayName("The other optimizers accept a decay mask and ignore it (their decay is L2 in the gradient)")
  void othersIgnoreTheMask() {
    for (Optimizer o : new Optimizer[] {new Sgd(ETA), new Momentum(ETA, 0.9, true),
        new Adam(ETA, 0.9, 0.999, 1e-8), new RmsProp(ETA, 0.9, 1e-8), new Adagrad(ETA, 1e-10)}) {
      double[][] plain = twoSteps(o);
      double[][] masked = twoSteps(o.newState(2, new boolean[] {true, false}));
      assertEquals(plain[1][0], masked[1][0], 0.0, o.name());
      assertEquals(plain[1][1], masked[1][1], 0.0, o.name());
    }
  }

  @Test
  @DisplayName("A decay mask must have one entry per parameter")
  void decayMaskLength() {
    for (Optimizer o : new Optimizer[] {AdamW.defaults(), Sgd.defaults()}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> o.newState(3, new boolean[2]));
      assertTrue(e.getMessage().contains("2 entries for 3 parameters"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> o.newState(3, null));
    }
  }

  @Test
  @DisplayName("RMSProp (ρ = 0.9, ε = 1e-8): v ← ρ v + (1 − ρ) g², θ ← θ − η g / (√v + ε)")
  void rmsProp() {
    double[][] t = twoSteps(new RmsProp(ETA, 0.9, 1e-8));
    // Step 1: v₁ = 0.1·g₁² = (0.025, 0.1), √v₁ = (0.158113883008418966…, 0.316227766016837933…)
    //   Δ₁ = η g₁ / (√v₁ + ε) = (0.05 / 0.158113893008418966…, −0.1 / 0.316227776016837933…)
    //      = (0.316227746016839198…, −0.316227756016838249…)   (≈ η / √0.1: no bias correction)
    assertClose(0.683772253983160802, t[0][0], EXACT, "θ₁[0]");
    assertClose(2.316227756016838249, t[0][1], EXACT, "θ₁[1]");
    // Step 2: v₂ = 0.9·v₁ + 0.1·g₂² = (0.0225 + 0.00625, 0.09 + 0.4) = (0.02875, 0.49)
    //   √v₂ = (0.169558249578131703…, 0.7)
    //   Δ₂ = (0.025 / 0.169558259578131703…, 0.2 / 0.70000001) = (0.147441947459245472…, 0.285714281632653119…)
    // θ₂ = θ₁ − Δ₂
    assertClose(0.536330306523915330, t[1][0], EXACT, "θ₂[0]");
    assertClose(2.030513474384185130, t[1][1], EXACT, "θ₂[1]");
  }

  @Test
  @DisplayName("Adagrad (ε = 1e-10): G ← G + g², θ ← θ − η g / (√G + ε)")
  void adagrad() {
    double[][] t = twoSteps(new Adagrad(ETA, 1e-10));
    // Step 1: G₁ = g₁² = (0.25, 1), √G₁ = (0.5, 1)
    //   Δ₁ = (0.05 / (0.5 + 1e-10), −0.1 / (1 + 1e-10)) = (0.09999999998000000000…, −0.09999999999000000000…)
    assertClose(0.900000000019999999996, t[0][0], EXACT, "θ₁[0]");
    assertClose(2.099999999990000000001, t[0][1], EXACT, "θ₁[1]");
    // Step 2: G₂ = (0.25 + 0.0625, 1 + 4) = (0.3125, 5), √G₂ = (0.559016994374947424…, 2.236067977499789696…)
    //   Δ₂ = (0.025 / (√0.3125 + 1e-10), 0.2 / (√5 + 1e-10)) = (0.044721359541995793…, 0.089442719095991587…)
    // θ₂ = θ₁ − Δ₂: G keeps growing, so the second step is smaller than the first although g₂[1] is larger
    assertClose(0.855278640478004206, t[1][0], EXACT, "θ₂[0]");
    assertClose(2.010557280894008412, t[1][1], EXACT, "θ₂[1]");
  }

  @Test
  @DisplayName("The learning rate passed to step() is the one used (schedules scale it per step)")
  void stepUsesTheGivenLearningRate() {
    for (Optimizer o : new Optimizer[] {new Sgd(0.5), new Momentum(0.5, 0.9, false),
        new Momentum(0.5, 0.9, true), new Adam(0.5, 0.9, 0.999, 1e-8),
        new AdamW(0.5, 0.9, 0.999, 1e-8, 0.1), new RmsProp(0.5, 0.9, 1e-8), new Adagrad(0.5, 1e-10)}) {
      double[][] expected = twoSteps(o.withLearningRate(ETA));
      OptimizerState state = o.newState(2);
      double[] theta = THETA0.clone();
      state.step(theta, G1.clone(), ETA);
      state.step(theta, G2.clone(), ETA);
      assertEquals(expected[1][0], theta[0], 0.0, o.name());
      assertEquals(expected[1][1], theta[1], 0.0, o.name());
    }
  }

  @Test
  @DisplayName("States are independent: a second state from the same optimizer starts afresh")
  void statesAreIndependent() {
    Optimizer adam = new Adam(ETA, 0.9, 0.999, 1e-8);
    OptimizerState first = adam.newState(2);
    first.step(THETA0.clone(), G1.clone(), ETA);
    first.step(THETA0.clone(), G2.clone(), ETA);
    double[][] fresh = twoSteps(adam);
    assertClose(0.90000000199999996, fresh[0][0], EXACT, "θ₁[0] from a fresh state");
    assertEquals(2, first.steps());
  }

  @Test
  @DisplayName("step() does not modify the gradient")
  void gradientIsNotModified() {
    for (String name : new String[] {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"}) {
      OptimizerState state = Optimizer.parse(name).newState(2);
      double[] g = G1.clone();
      state.step(THETA0.clone(), g, ETA);
      assertEquals(G1[0], g[0], 0.0, name);
      assertEquals(G1[1], g[1], 0.0, name);
    }
  }

  @Nested
  @DisplayName("Invalid hyperparameters throw IllegalArgumentException")
  class Validation {

    @ParameterizedTest(name = "learning rate {0}")
    @ValueSource(doubles = {0.0, -0.1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void learningRate(double lr) {
      assertRejected(() -> new Sgd(lr), "learning rate");
      assertRejected(() -> new Momentum(lr, 0.9, false), "learning rate");
      assertRejected(() -> new Adam(lr, 0.9, 0.999, 1e-8), "learning rate");
      assertRejected(() -> new AdamW(lr, 0.9, 0.999, 1e-8, 0.01), "learning rate");
      assertRejected(() -> new RmsProp(lr, 0.9, 1e-8), "learning rate");
      assertRejected(() -> new Adagrad(lr, 1e-10), "learning rate");
      assertRejected(() -> Sgd.defaults().withLearningRate(lr), "learning rate");
    }

    @ParameterizedTest(name = "momentum {0}")
    @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
    void momentum(double mu) {
      assertRejected(() -> new Momentum(0.1, mu, false), "momentum");
      assertRejected(() -> new Momentum(0.1, mu, true), "momentum");
    }

    @ParameterizedTest(name = "beta {0}")
    @ValueSource(doubles = {-0.1, 1.0, Double.NaN})
    void adamBetas(double beta) {
      assertRejected(() -> new Adam(0.1, beta, 0.999, 1e-8), "betas");
      assertRejected(() -> new Adam(0.1, 0.9, beta, 1e-8), "betas");
      assertRejected(() -> new AdamW(0.1, beta, 0.999, 1e-8, 0.01), "AdamW's betas");
      assertRejected(() -> new AdamW(0.1, 0.9, beta, 1e-8, 0.01), "AdamW's betas");
    }

    @ParameterizedTest(name = "epsilon {0}")
    @ValueSource(doubles = {0.0, -1e-8, Double.NaN})
    void adamEpsilon(double eps) {
      assertRejected(() -> new Adam(0.1, 0.9, 0.999, eps), "epsilon");
      assertRejected(() -> new AdamW(0.1, 0.9, 0.999, eps, 0.01), "AdamW's epsilon");
      assertRejected(() -> new RmsProp(0.1, 0.9, eps), "RMSProp's epsilon");
      assertRejected(() -> new Adagrad(0.1, eps), "Adagrad's epsilon");
    }

    @ParameterizedTest(name = "weight decay {0}")
    @ValueSource(doubles = {-0.01, Double.NaN, Double.POSITIVE_INFINITY})
    void adamWWeightDecay(double lambda) {
      assertRejected(() -> new AdamW(0.1, 0.9, 0.999, 1e-8, lambda), "weight decay");
    }

    @ParameterizedTest(name = "rho {0}")
    @ValueSource(doubles = {-0.1, 1.0, Double.NaN})
    void rmsPropRho(double rho) {
      assertRejected(() -> new RmsProp(0.1, rho, 1e-8), "rho");
    }

    @Test
    @DisplayName("boundary values that are allowed: μ = 0, β = 0, λ = 0, ρ = 0")
    void boundariesAllowed() {
      new Momentum(0.1, 0.0, false);
      new Adam(0.1, 0.0, 0.0, 1e-8);
      new AdamW(0.1, 0.0, 0.0, 1e-8, 0.0);
      new RmsProp(0.1, 0.0, 1e-8);
    }

    private void assertRejected(Runnable r, String messageMentions) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
      assertTrue(e.getMessage().contains(messageMentions),
          () -> "message should mention '" + messageMentions + "': " + e.getMessage());
    }
  }

  @Nested
  @DisplayName("Optimizer.parse")
  class Parse {

    @Test
    @DisplayName("knows sgd, momentum, nesterov, adam, adamw, rmsprop and adagrad, with their defaults,"
        + " case- and space-insensitively")
    void names() {
      assertEquals(new Sgd(0.05), Optimizer.parse("sgd"));
      assertEquals(new Momentum(0.01, 0.9, false), Optimizer.parse("momentum"));
      assertEquals(new Momentum(0.01, 0.9, true), Optimizer.parse("nesterov"));
      assertEquals(new Adam(0.001, 0.9, 0.999, 1e-8), Optimizer.parse("adam"));
      assertEquals(new AdamW(0.001, 0.9, 0.999, 1e-8, 0.01), Optimizer.parse("adamw"));
      assertEquals(new RmsProp(0.001, 0.9, 1e-8), Optimizer.parse("rmsprop"));
      assertEquals(new Adagrad(0.01, 1e-10), Optimizer.parse("adagrad"));
      assertInstanceOf(AdamW.class, Optimizer.parse(" AdamW"));
      assertInstanceOf(Adam.class, Optimizer.parse("  ADAM "));
      assertEquals(Optimizer.parse("nesterov"), Optimizer.parse("Nesterov"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"})
    @DisplayName("name() round-trips through parse")
    void roundTrip(String name) {
      Optimizer o = Optimizer.parse(name);
      assertEquals(name, o.name());
      assertEquals(o, Optimizer.parse(o.name()));
    }

    @Test
    @DisplayName("withLearningRate changes only the learning rate")
    void withLearningRate() {
      assertEquals(new Adam(0.3, 0.9, 0.999, 1e-8), Optimizer.parse("adam").withLearningRate(0.3));
      assertEquals(new Momentum(0.3, 0.9, true), Optimizer.parse("nesterov").withLearningRate(0.3));
      assertEquals(new AdamW(0.3, 0.9, 0.999, 1e-8, 0.01), Optimizer.parse("adamw").withLearningRate(0.3));
      assertEquals(new RmsProp(0.3, 0.9, 1e-8), Optimizer.parse("rmsprop").withLearningRate(0.3));
      assertEquals(new Adagrad(0.3, 1e-10), Optimizer.parse("adagrad").withLearningRate(0.3));
      assertEquals(0.3, Optimizer.parse("sgd").withLearningRate(0.3).learningRate());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"rms-prop", "", "adam-w", "s g d", "adadelta"})
    @DisplayName("rejects unknown names and lists the known ones")
    void unknown(String name) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.parse(name));
      assertTrue(e.getMessage().contains("sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad"), e.getMessage());
    }
  }
}
