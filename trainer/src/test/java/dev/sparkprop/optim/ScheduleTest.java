package dev.sparkprop.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Learning-rate schedules: the multiplier of the base rate at 0-based optimizer step t. */
@DisplayName("Learning-rate schedules")
class ScheduleTest {

  /** For factors that pass through cos or pow: a few ulps. */
  private static final double ULPS = 1e-15;

  @Test
  @DisplayName("constant: 1 at every step")
  void constant() {
    assertEquals(1.0, Schedule.CONSTANT.factor(0));
    assertEquals(1.0, Schedule.CONSTANT.factor(1_000_000_000L));
  }

  @Test
  @DisplayName("step decay: factor^⌊t / every⌋, so step t = every is the first at the lower rate")
  void stepDecay() {
    Schedule s = new Schedule.StepDecay(0.5, 10);
    assertEquals(1.0, s.factor(0));
    assertEquals(1.0, s.factor(9), "the last step before the first decay");
    assertEquals(0.5, s.factor(10), "the first decay");
    assertEquals(0.5, s.factor(19));
    assertEquals(0.25, s.factor(20), "the second decay");
    assertEquals(0.125, s.factor(35), "⌊35 / 10⌋ = 3 decays");
  }

  @Test
  @DisplayName("exponential decay: rate^t")
  void exponentialDecay() {
    Schedule s = new Schedule.ExponentialDecay(0.5);
    assertEquals(1.0, s.factor(0));
    assertEquals(0.5, s.factor(1));
    assertEquals(0.125, s.factor(3));
    assertEquals(1.0, new Schedule.ExponentialDecay(1.0).factor(1000), "rate 1 is constant");
  }

  @Test
  @DisplayName("cosine to 0: 1 at t = 0, 1/2 at T/2, 0 at T and after")
  void cosine() {
    Schedule s = new Schedule.Cosine(100, 0.0);
    assertEquals(1.0, s.factor(0));
    // (1 + cos(π/2)) / 2 = 1/2; cos(π/2) in doubles is 6.1e-17, not 0
    assertEquals(0.5, s.factor(50), ULPS);
    // (1 + cos(π/4)) / 2 = (1 + √2/2) / 2 = 0.853553390593273762…
    assertEquals(0.8535533905932737622, s.factor(25), ULPS);
    assertEquals(0.0, s.factor(100));
    assertEquals(0.0, s.factor(1000), "held at the floor after T");
    // The last step of a 100-step run, t = 99, still moves: (1 + cos(0.99 π)) / 2 = 0.000246719817…
    assertEquals(2.4671981713420e-4, s.factor(99), 1e-16);
  }

  @Test
  @DisplayName("cosine to a floor f: 1 at t = 0, (1 + f)/2 at T/2, f at T, never increasing")
  void cosineFloor() {
    Schedule s = new Schedule.Cosine(10, 0.1);
    assertEquals(1.0, s.factor(0), ULPS);
    assertEquals(0.55, s.factor(5), ULPS);
    assertEquals(0.1, s.factor(10), ULPS);
    assertEquals(0.1, s.factor(11), ULPS);
    for (int t = 1; t <= 12; t++) {
      assertTrue(s.factor(t) <= s.factor(t - 1), "step " + t);
    }
  }

  @Nested
  @DisplayName("withWarmup")
  class WithWarmup {

    @Test
    @DisplayName("(t + 1)/w during the warm-up, then the schedule from its own step 0")
    void boundary() {
      Schedule s = new Schedule.StepDecay(0.5, 10).withWarmup(new Warmup(4));
      assertEquals(0.25, s.factor(0), "(0 + 1) / 4");
      assertEquals(0.5, s.factor(1));
      assertEquals(0.75, s.factor(2));
      assertEquals(1.0, s.factor(3), "the last warm-up step reaches the full rate");
      assertEquals(1.0, s.factor(4), "the first step after it is the schedule's step 0");
      assertEquals(1.0, s.factor(13), "the schedule's step 9");
      assertEquals(0.5, s.factor(14), "the schedule's step 10: its first decay, 4 steps late");
    }

    @Test
    @DisplayName("a cosine behind a warm-up starts its fall when the warm-up ends")
    void cosine() {
      Schedule s = new Schedule.Cosine(10, 0.0).withWarmup(new Warmup(5));
      assertEquals(0.2, s.factor(0));
      assertEquals(1.0, s.factor(4));
      assertEquals(1.0, s.factor(5));
      assertEquals(0.5, s.factor(10), ULPS);
      assertEquals(0.0, s.factor(15));
    }

    @Test
    @DisplayName("no warm-up returns the schedule itself")
    void none() {
      Schedule cosine = new Schedule.Cosine(10, 0.0);
      assertSame(cosine, cosine.withWarmup(Warmup.NONE));
      assertSame(Schedule.CONSTANT, Schedule.CONSTANT.withWarmup(new Warmup(0)));
    }

    @Test
    @DisplayName("a constant schedule behind a warm-up is the warm-up alone")
    void constantIsWarmupAlone() {
      Warmup warmup = new Warmup(7);
      Schedule s = Schedule.CONSTANT.withWarmup(warmup);
      for (long t = 0; t < 20; t++) {
        assertEquals(warmup.factor(t), s.factor(t), 0.0, "step " + t);
      }
    }
  }

  @Nested
  @DisplayName("Schedule.parse")
  class Parse {

    @Test
    @DisplayName("each spelling gives the schedule it names, epochs turned into steps")
    void spellings() {
      // 100 steps per epoch, a 5,000-step run
      assertSame(Schedule.CONSTANT, Schedule.parse("constant", 100, 5000));
      assertEquals(new Schedule.StepDecay(0.5, 1000), Schedule.parse("step:0.5:10", 100, 5000));
      assertEquals(new Schedule.Cosine(5000, 0.0), Schedule.parse("cosine", 100, 5000));
      assertEquals(new Schedule.Cosine(5000, 0.1), Schedule.parse("cosine:0.1", 100, 5000));
      assertEquals(new Schedule.ExponentialDecay(1.0), Schedule.parse("exponential:1", 100, 5000));
    }

    @Test
    @DisplayName("step:0.5:10 halves the rate every 10 epochs")
    void stepInEpochs() {
      Schedule s = Schedule.parse("step:0.5:10", 100, 5000);
      assertEquals(1.0, s.factor(999), "the last step of epoch 10");
      assertEquals(0.5, s.factor(1000), "the first step of epoch 11");
      assertEquals(0.25, s.factor(2000));
    }

    @Test
    @DisplayName("exponential:0.95 multiplies the rate by 0.95 per epoch, smoothly within it")
    void exponentialPerEpoch() {
      Schedule s = Schedule.parse("exponential:0.95", 100, 5000);
      // The per-step rate is rounded once, so after n steps the error is about n ulps.
      assertEquals(0.95, s.factor(100), 1e-13);
      assertEquals(0.95 * 0.95 * 0.95, s.factor(300), 1e-13);
      assertEquals(Math.sqrt(0.95), s.factor(50), 1e-13);
      assertTrue(s.factor(1) < 1.0 && s.factor(1) > s.factor(2));
    }

    @Test
    @DisplayName("names are case-insensitive and blanks around parts are ignored")
    void lenient() {
      assertEquals(Schedule.parse("step:0.5:10", 100, 5000), Schedule.parse("  Step : 0.5 : 10 ", 100, 5000));
      assertEquals(Schedule.parse("cosine", 100, 5000), Schedule.parse("COSINE", 100, 5000));
      assertSame(Schedule.CONSTANT, Schedule.parse(" Constant ", 100, 5000));
    }

    @Test
    @DisplayName("behind a warm-up, the schedule spans the steps left, so a cosine ends with the run")
    void withWarmup() {
      Warmup warmup = new Warmup(20);
      Schedule s = Schedule.parse("cosine", 10, 100, warmup);
      assertEquals(new Schedule.WarmedUp(warmup, new Schedule.Cosine(80, 0.0)), s);
      assertEquals(1.0, s.factor(19));
      assertEquals(0.5, s.factor(60), ULPS, "halfway through the 80 steps after the warm-up");
      assertEquals(0.0, s.factor(100), "the step after the run's last");
      assertSame(Schedule.CONSTANT, Schedule.parse("constant", 10, 100, Warmup.NONE));
      assertEquals(new Schedule.StepDecay(0.5, 50), Schedule.parse("step:0.5:5", 10, 100, Warmup.NONE));
      // A warm-up as long as the run leaves the schedule nothing to do, and is not an error.
      assertEquals(1.0, Schedule.parse("cosine", 10, 100, new Warmup(100)).factor(99));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "linear", "step", "step:0.5", "step:0.5:10:1", "constant:1", "exponential",
        "cosine:0.5:1", "exponential:0.9:2"})
    @DisplayName("rejects unknown names and wrong parameter counts, listing the spellings")
    void unknown(String spec) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Schedule.parse(spec, 100, 5000));
      assertTrue(e.getMessage().contains("'" + spec + "'"), e.getMessage());
      assertTrue(e.getMessage().contains(Schedule.SPECS), e.getMessage());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"step:1.5:10", "step:0:10", "step:-0.5:10", "step:x:10", "step:0.5:0", "step:0.5:-1",
        "step:0.5:2.5", "step:0.5:", "exponential:1.5", "exponential:0", "exponential:NaN", "exponential:",
        "cosine:1.5", "cosine:-0.1", "cosine:half"})
    @DisplayName("rejects bad parameters, naming the spec and the problem")
    void badParameters(String spec) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Schedule.parse(spec, 100, 5000));
      assertTrue(e.getMessage().startsWith("learning-rate schedule '" + spec + "': "), e.getMessage());
    }

    @Test
    @DisplayName("says what is wrong with a parameter")
    void messages() {
      assertEquals("learning-rate schedule 'step:0.5:2.5': EPOCHS must be a whole number of epochs, not '2.5'",
          assertThrows(IllegalArgumentException.class, () -> Schedule.parse("step:0.5:2.5", 100, 5000)).getMessage());
      assertEquals("learning-rate schedule 'cosine:2': cosine: the floor must be a fraction of the base rate"
              + " in [0, 1], not 2.0",
          assertThrows(IllegalArgumentException.class, () -> Schedule.parse("cosine:2", 100, 5000)).getMessage());
    }

    @Test
    @DisplayName("rejects a null spec and step counts below 1")
    void badArguments() {
      assertThrows(IllegalArgumentException.class, () -> Schedule.parse(null, 100, 5000));
      assertThrows(IllegalArgumentException.class, () -> Schedule.parse("constant", 0, 5000));
      assertThrows(IllegalArgumentException.class, () -> Schedule.parse("constant", 100, 0));
      assertThrows(IllegalArgumentException.class, () -> Schedule.parse("constant", 100, 5000, null));
      assertThrows(IllegalArgumentException.class,
          () -> Schedule.parse("step:0.5:" + Long.MAX_VALUE, 100, 5000), "overflow");
    }
  }

  @Nested
  @DisplayName("Invalid schedules throw IllegalArgumentException")
  class Validation {

    @Test
    void constructors() {
      assertThrows(IllegalArgumentException.class, () -> new Schedule.StepDecay(0.5, 0));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.StepDecay(1.5, 10));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.StepDecay(Double.NaN, 10));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.ExponentialDecay(0.0));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.ExponentialDecay(1.01));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.Cosine(0, 0.0));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.Cosine(10, 1.1));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.Cosine(10, Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> new Schedule.WarmedUp(null, Schedule.CONSTANT));
      assertThrows(IllegalArgumentException.class, () -> Schedule.CONSTANT.withWarmup(null));
    }

    @Test
    @DisplayName("steps are never negative")
    void negativeStep() {
      for (Schedule s : new Schedule[] {Schedule.CONSTANT, new Schedule.StepDecay(0.5, 10),
          new Schedule.ExponentialDecay(0.9), new Schedule.Cosine(10, 0.0),
          Schedule.CONSTANT.withWarmup(new Warmup(3))}) {
        assertThrows(IllegalArgumentException.class, () -> s.factor(-1), s.toString());
      }
    }
  }
}
