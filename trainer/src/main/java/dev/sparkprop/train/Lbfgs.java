package dev.sparkprop.train;

import breeze.linalg.DenseVector;
import breeze.linalg.DenseVector$mcD$sp;
import breeze.optimize.CachedDiffFunction;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.ParameterLayout;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * Full-batch L-BFGS over the engine's distributed gradient: the second-order alternative to
 * {@link Trainer}'s mini-batch loop, for problems small enough to take whole-data steps.
 *
 * <p>The objective is the mean training loss plus (λ/2)‖W‖² over the weights (not the biases),
 * as in {@link Trainer}. Each evaluation is one {@link Engine#gradient} call over a single
 * global batch that holds all N training examples, so with the Spark engine it is one
 * broadcast and one tree aggregation; the sum is divided once, by its count, on the driver.
 *
 * <p>The solver is Breeze's {@code LBFGS} with its default stopping rule. It is the solver
 * MLlib's {@code MultilayerPerceptronClassifier} uses for {@code solver=l-bfgs}: MLlib's
 * {@code LBFGS.runLBFGS} builds the same {@code breeze.optimize.LBFGS(maxIter, corrections,
 * tolerance)}, feeds it a cached cost function that tree-aggregates the gradient of all the
 * data once per evaluation and divides by the count, and records {@code state.value} once per
 * state. The solver, its stopping rule and the cost of an evaluation are therefore the same as
 * MLlib's; only the network code behind the gradient differs. MLlib itself is not needed:
 * Breeze comes with spark-mllib-local.
 *
 * <p>No Breeze or Scala type appears in this class's public surface, so callers stay plain Java.
 */
public final class Lbfgs {

  private Lbfgs() {}

  /** Breeze's convergence tolerance, as Spark MLlib's MLP uses by default. */
  public static final double DEFAULT_TOLERANCE = 1e-6;

  /** How many past updates approximate the inverse Hessian (MLlib's default as well). */
  public static final int DEFAULT_MEMORY = 10;

  /** Why the solver stopped. */
  public enum Stop {
    /** {@code maxIterations} iterations were taken. */
    MAX_ITERATIONS,
    /** The gradient's Euclidean norm fell to max(tolerance · |loss|, 1e-8). */
    GRADIENT_CONVERGED,
    /** Over the last 20 iterations the loss moved by at most tolerance · |initial loss|. */
    FUNCTION_VALUES_CONVERGED,
    /** The line search failed twice in a row, the second time even after the history was reset. */
    LINE_SEARCH_FAILED
  }

  /**
   * The outcome of a run.
   *
   * @param parameters the final point
   * @param lossHistory the objective (mean loss plus the L2 term) at the start and after each
   *     iteration, so one more entry than iterations. MLlib's history records every state
   *     Breeze yields, which repeats the last point when a line search fails; here those
   *     repeats are not counted as iterations.
   * @param evaluations how many times the objective was computed, each one engine pass over
   *     the training set (one Spark job with the Spark engine); the line search makes this at
   *     least the number of iterations plus one
   * @param stop why the solver stopped
   */
  public record Result(double[] parameters, List<Double> lossHistory, int evaluations, Stop stop) {

    public int iterations() {
      return lossHistory.size() - 1;
    }

    /** Whether a convergence test, not the iteration limit or a failed line search, ended the run. */
    public boolean converged() {
      return stop == Stop.GRADIENT_CONVERGED || stop == Stop.FUNCTION_VALUES_CONVERGED;
    }

    public double finalLoss() {
      return lossHistory.get(lossHistory.size() - 1);
    }
  }

  /**
   * Minimises the regularised mean training loss from {@code initial} (left untouched).
   *
   * @param l2 the L2 penalty λ on the weights, as {@link TrainConfig#l2()}
   * @param maxIterations the most iterations (line searches) to take; 0 only evaluates the start
   * @param tolerance the relative tolerance of the stopping rule (see {@link Stop}); MLlib's
   *     perceptron defaults to 1e-6
   * @param memory the number of past steps kept to approximate the inverse Hessian (MLlib uses 10)
   * @throws TrainingDivergedException when the loss or the gradient is not finite at a point
   *     the solver asks for
   */
  public static Result minimize(Network network, Engine engine, double[] initial, double l2,
      int maxIterations, double tolerance, int memory) {
    if (initial.length != network.parameterCount()) {
      throw new IllegalArgumentException("initial point has " + initial.length + " entries, the network "
          + network.parameterCount());
    }
    if (!(l2 >= 0.0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("L2 penalty must be zero or positive, not " + l2);
    }
    if (maxIterations < 0) {
      throw new IllegalArgumentException("iterations must be zero or positive, not " + maxIterations);
    }
    if (!(tolerance >= 0.0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be zero or positive, not " + tolerance);
    }
    if (memory <= 0) {
      throw new IllegalArgumentException("memory must be positive, not " + memory);
    }
    long examples = engine.examples(Role.TRAIN);
    if (examples <= 0 || examples > Integer.MAX_VALUE) {
      // The single batch's size is an int.
      throw new IllegalArgumentException("full-batch L-BFGS needs 1 to " + Integer.MAX_VALUE
          + " training examples, not " + examples);
    }

    Objective objective = new Objective(network, engine, examples, l2);
    LBFGS<DenseVector<Object>> solver = new LBFGS<>(maxIterations, memory, tolerance, DenseVector.space_Double());
    scala.collection.Iterator<FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>> states =
        solver.iterations(asDiffFunction(objective), new DenseVector$mcD$sp(initial.clone()));
    List<Double> losses = new ArrayList<>();
    FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> state = null;
    // The iterator ends with the state that met the stopping rule. When a line search fails,
    // Breeze yields the last point again, once with its history reset and, if the search fails
    // again, once more to give up; only a state with a new iteration number is a step.
    int lastIteration = -1;
    while (states.hasNext()) {
      state = states.next();
      if (state.iter() != lastIteration) {
        losses.add(state.value());
        lastIteration = state.iter();
      }
    }
    return new Result(toArray(state.x()), List.copyOf(losses), objective.evaluations, stop(state.convergenceReason()));
  }

  private static Stop stop(Option<FirstOrderMinimizer.ConvergenceReason> reason) {
    if (reason.isEmpty()) {
      throw new IllegalStateException("L-BFGS ended without a reason");
    }
    FirstOrderMinimizer.ConvergenceReason r = reason.get();
    if (r == FirstOrderMinimizer.MaxIterations$.MODULE$) {
      return Stop.MAX_ITERATIONS;
    } else if (r == FirstOrderMinimizer.GradientConverged$.MODULE$) {
      return Stop.GRADIENT_CONVERGED;
    } else if (r == FirstOrderMinimizer.FunctionValuesConverged$.MODULE$) {
      return Stop.FUNCTION_VALUES_CONVERGED;
    } else if (r == FirstOrderMinimizer.SearchFailed$.MODULE$) {
      return Stop.LINE_SEARCH_FAILED;
    }
    // The default stopping rule has only the four checks above.
    throw new IllegalStateException("L-BFGS stopped for an unexpected reason: " + r.reason());
  }

  /** A fresh array of the vector's entries, whatever its offset and stride. */
  private static double[] toArray(DenseVector<Object> v) {
    double[] data = v.data$mcD$sp();
    int n = v.length();
    int offset = v.offset();
    int stride = v.stride();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = data[offset + i * stride];
    }
    return out;
  }

  /**
   * Breeze's view of {@code objective}: a {@code DiffFunction} whose {@code calculate} is
   * {@link Objective#calculate}, behind Breeze's own cache of the last point, as MLlib wraps
   * its cost function.
   *
   * <p>Java cannot implement {@code DiffFunction}: the trait inherits Scala's
   * {@code Object apply(Object)} from {@code Function1} and declares a {@code double apply(T)}.
   * Only scalac emits the bridge that reconciles the two, and javac also refuses to subclass
   * Breeze's compiled implementations, so no Java class declaration can be a
   * {@code DiffFunction}. The class is therefore spun at run time by the JDK's lambda factory,
   * as javac would compile {@code objective::calculate} were the trait a functional interface.
   * It implements {@code calculate} and inherits
   * the trait's default methods ({@code valueAt}, {@code gradientAt}, {@code apply(T)}, all
   * defined through {@code calculate}). Only {@code Function1}'s generic {@code apply(Object)}
   * stays unimplemented, and L-BFGS never calls it: it calls {@code calculate} and the
   * defaults. The tests run L-BFGS to convergence through this path.
   *
   * <p>The cache matters. Breeze evaluates the point the line search accepted once more to
   * start the next iteration, and that point is usually the last one tried, bit for bit. L-BFGS
   * keeps a cached function as it is rather than wrapping it again, so a hit costs no Spark job.
   */
  @SuppressWarnings("unchecked")
  private static DiffFunction<DenseVector<Object>> asDiffFunction(Objective objective) {
    DiffFunction<DenseVector<Object>> plain;
    try {
      plain = (DiffFunction<DenseVector<Object>>) DIFF_FUNCTION_FACTORY.invoke(objective);
    } catch (Throwable e) {
      throw new IllegalStateException("cannot adapt the objective to Breeze", e);
    }
    return new CachedDiffFunction<>(plain, DenseVector.canCopyDenseVector(ClassTag$.MODULE$.Double()));
  }

  /** Makes a {@code DiffFunction} from an {@link Objective}; the class behind it is spun once. */
  private static final MethodHandle DIFF_FUNCTION_FACTORY = diffFunctionFactory();

  private static MethodHandle diffFunctionFactory() {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodType calculate = MethodType.methodType(Tuple2.class, DenseVector.class);
      return LambdaMetafactory.metafactory(lookup, "calculate",
          MethodType.methodType(DiffFunction.class, Objective.class),
          MethodType.methodType(Tuple2.class, Object.class), // DiffFunction.calculate, erased
          lookup.findVirtual(Objective.class, "calculate", calculate),
          calculate).getTarget();
    } catch (ReflectiveOperationException | LambdaConversionException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The regularised mean training loss and its gradient, one engine pass per call. */
  private static final class Objective {

    private final Network network;
    private final Engine engine;
    private final Shard.Batching batching;
    private final double lambda;
    int evaluations;

    Objective(Network network, Engine engine, long examples, double lambda) {
      this.network = network;
      this.engine = engine;
      // One batch of all N examples: the seed's shuffle cannot change which examples it
      // holds, and the same batching and epoch every time let each shard reuse its batch
      // order instead of recomputing it per evaluation.
      this.batching = new Shard.Batching(0L, examples, (int) examples);
      this.lambda = lambda;
    }

    Tuple2<Object, DenseVector<Object>> calculate(DenseVector<Object> x) {
      double[] params = toArray(x);
      GradientSum sum = engine.gradient(params, batching, 0, 0);
      evaluations++;
      if (sum.count() != batching.examples()) {
        throw new IllegalStateException("the full batch summed " + sum.count() + " examples, expected "
            + batching.examples());
      }
      double[] gradient = sum.gradient();
      double scale = 1.0 / sum.count();
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= scale;
      }
      double loss = sum.loss() / sum.count() + addL2(params, gradient);
      checkFinite(loss, gradient);
      return new Tuple2<>(loss, new DenseVector$mcD$sp(gradient));
    }

    /** Adds λW to the weights' gradient and returns (λ/2)‖W‖². */
    private double addL2(double[] params, double[] gradient) {
      if (lambda == 0.0) {
        return 0.0;
      }
      ParameterLayout layout = network.layout();
      double squares = 0.0;
      for (int l = 1; l <= layout.layers(); l++) {
        int off = layout.weightOffset(l);
        int end = off + layout.weightCount(l);
        for (int i = off; i < end; i++) {
          gradient[i] += lambda * params[i];
          squares += params[i] * params[i];
        }
      }
      return 0.5 * lambda * squares;
    }

    private void checkFinite(double loss, double[] gradient) {
      double norm = 0.0;
      for (double g : gradient) {
        norm += g * g;
      }
      if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
        throw new TrainingDivergedException(String.format(
            "L-BFGS diverged at evaluation %d: the %s is not finite; try feature scaling or a larger L2 penalty",
            evaluations, Double.isFinite(loss) ? "gradient" : "loss"));
      }
    }
  }
}
