package dev.sparkprop.cli;

import dev.sparkprop.datasets.LabelStats;
import dev.sparkprop.datasets.Scaling;
import dev.sparkprop.datasets.Split.Role;
import dev.sparkprop.io.CheckpointStore;
import dev.sparkprop.io.Model;
import dev.sparkprop.io.ModelFile;
import dev.sparkprop.io.RunFiles;
import dev.sparkprop.nn.Activation;
import dev.sparkprop.nn.Architecture;
import dev.sparkprop.nn.Loss;
import dev.sparkprop.nn.Network;
import dev.sparkprop.nn.Precision;
import dev.sparkprop.optim.AdamW;
import dev.sparkprop.optim.Optimizer;
import dev.sparkprop.optim.Schedule;
import dev.sparkprop.optim.Warmup;
import dev.sparkprop.spark.PreparedData;
import dev.sparkprop.spark.Reduction;
import dev.sparkprop.spark.SparkEngine;
import dev.sparkprop.train.Checkpoint;
import dev.sparkprop.train.Defaults;
import dev.sparkprop.train.EpochPlan;
import dev.sparkprop.train.EpochStats;
import dev.sparkprop.train.Lbfgs;
import dev.sparkprop.nn.Initializer;
import dev.sparkprop.train.Stopping;
import dev.sparkprop.train.Evaluation;
import dev.sparkprop.train.TrainConfig;
import dev.sparkprop.train.Trainer;
import dev.sparkprop.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Trains a fully connected network on Spark and reports test metrics.",
        "Without --test-data, a seeded fraction of the data is held out for testing."})
final class TrainCommand implements Callable<Integer> {

  @Mixin
  DataArgs dataArgs;

  @Option(names = "--test-data", paramLabel = "DATA", description = "A separate test set in the same format as --data.")
  String testData;

  @Option(names = "--validation-data", paramLabel = "DATA",
      description = "A separate validation set in the same format as --data (replaces --validation-fraction).")
  String validationData;

  // A string, not picocli's int[] with split: an empty value (no hidden layer) must parse.
  @Option(names = "--hidden", paramLabel = "N,N,…",
      description = "Hidden layer widths (default: 128,64); an empty value means none.")
  String hidden;

  @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu",
      description = "Hidden activation: sigmoid, tanh, relu, leaky-relu, identity (default: ${DEFAULT-VALUE}).")
  String activation;

  @Option(names = "--loss", paramLabel = "NAME",
      description = "softmax-cross-entropy, binary-cross-entropy, squared-error or huber (default: from the labels).")
  String loss;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
      description = "sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad, or lbfgs: full-batch L-BFGS, "
          + "one Spark aggregation per function evaluation, --epochs its most iterations (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--weight-decay", paramLabel = "LAMBDA",
      description = "AdamW's decoupled weight decay (default: " + AdamW.DEFAULT_WEIGHT_DECAY + ").")
  Double weightDecay;

  @Option(names = "--schedule", paramLabel = "SPEC", defaultValue = "constant",
      description = "Learning-rate schedule: constant, step:FACTOR:EPOCHS, exponential:FACTOR (per epoch), cosine[:FLOOR] (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--clip-norm", paramLabel = "NORM", defaultValue = "0",
      description = "Scale each mean gradient down to at most this global norm (default: off).")
  double clipNorm;

  @Option(names = "--l1", paramLabel = "LAMBDA", defaultValue = "0", description = "L1 penalty on the weights (default: ${DEFAULT-VALUE}).")
  double l1;

  @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
      description = "Inverted dropout: drop each hidden unit with probability P during training (default: off).")
  double dropout;

  @Option(names = "--learning-rate", paramLabel = "RATE", description = "Default: the optimizer's (Adam 0.001, SGD 0.05, momentum 0.01).")
  Double learningRate;

  @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0", description = "L2 weight decay on the weights (default: ${DEFAULT-VALUE}).")
  double l2;

  @Option(names = "--warmup-epochs", paramLabel = "E", defaultValue = "0",
      description = "Raise the learning rate linearly from near 0 over this many epochs (fractions allowed; default: ${DEFAULT-VALUE}).")
  double warmupEpochs;

  @Option(names = "--scale-learning-rate", description = {
      "Linear scaling rule for large batches: multiply the learning rate by batch size / "
          + Defaults.LEARNING_RATE_REFERENCE_BATCH + ". Pair with --warmup-epochs."})
  boolean scaleLearningRate;

  @Option(names = "--precision", paramLabel = "P", defaultValue = "float64",
      description = "Kernel arithmetic: float64, or float32 (about twice the GEMM speed; parameters kept in double) (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--float32-gradients", description = "Send partition gradients as float32: half the bytes, summed in double.")
  boolean float32Gradients;

  @Option(names = "--batch-size", paramLabel = "N", description = "Examples per iteration, over all partitions (default: min(128, a tenth of the training set)).")
  Integer batchSize;

  @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (default: enough for 500 iterations, 10 to 200).")
  Integer epochs;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "" + Defaults.SEED, description = "Fixes initialisation, splits and shuffles (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "" + Defaults.VALIDATION_FRACTION,
      description = "Fraction held out for validation each epoch (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "" + Defaults.TEST_FRACTION,
      description = "Fraction held out for testing when there is no --test-data (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--scaling", paramLabel = "NAME", defaultValue = "standardize",
      description = "Feature scaling fitted on the training split: standardize, minmax or none (default: ${DEFAULT-VALUE}).")
  String scaling;

  @Option(names = "--target-scaling", paramLabel = "NAME", defaultValue = "none",
      description = {"Regression only: rescale the targets for training, fitted on the training split:"
          + " standardize, minmax or none (default: ${DEFAULT-VALUE}).",
          "RMSE, MAE and predictions are reported in the targets' own units; the loss is the training objective."})
  String targetScaling;

  @Option(names = "--early-stopping", paramLabel = "PATIENCE", defaultValue = "0",
      description = "Stop after this many epochs without validation improvement and keep the best epoch (default: off).")
  int patience;

  @Option(names = "--early-stopping-metric", paramLabel = "METRIC", defaultValue = "loss",
      description = "loss, accuracy or rmse, on the validation set (default: ${DEFAULT-VALUE}).")
  String stoppingMetric;

  @Option(names = "--min-improvement", paramLabel = "DELTA", defaultValue = "0",
      description = "The least change of the metric that counts as an improvement (default: ${DEFAULT-VALUE}).")
  double minImprovement;

  @Option(names = "--target-loss", paramLabel = "LOSS", defaultValue = "0",
      description = "Stop once an epoch's mean training loss is at most this (default: off).")
  double targetLoss;

  @Option(names = "--time-budget", paramLabel = "SECONDS", defaultValue = "0",
      description = "Stop after the epoch in which this much training time has passed (default: off).")
  double timeBudget;

  @Option(names = "--out", paramLabel = "DIR", description = "Where to save the model.")
  Path out;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @Option(names = "--reduction", paramLabel = "MODE", defaultValue = "deterministic",
      description = "How partition sums are added: deterministic (in partition order: the same seed gives the same "
          + "bits whatever the timing) or arrival (Spark's treeReduce, in the order tasks finish) (default: ${DEFAULT-VALUE}).")
  String reduction;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Write a checkpoint at the end of every epoch (and every --checkpoint-every iterations) into DIR.")
  Path checkpointDir;

  @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
      description = "Also checkpoint every N iterations, within epochs (default: epoch ends only).")
  int checkpointEvery;

  @Option(names = "--keep-checkpoints", paramLabel = "K", defaultValue = "2",
      description = "How many of the newest checkpoints to keep (default: ${DEFAULT-VALUE}).")
  int keepCheckpoints;

  @Option(names = "--resume", paramLabel = "DIR",
      description = {"Continue from the newest complete checkpoint in DIR; give the original run's options.",
          "Checkpoints go on into DIR unless --checkpoint-dir says otherwise."})
  Path resumeFrom;

  @Option(names = "--train-metrics", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "With --out: score the whole training set after every epoch for the history, "
          + "beside the validation set (one forward pass per epoch; default: on).")
  boolean trainMetrics;

  @Option(names = "--config", paramLabel = "FILE", description =
      "A properties file of options, keyed by their long names without dashes (hidden=256,128); "
      + "options on the command line win. Every run with --out writes its own as " + RunFiles.CONFIG + ".")
  Path config; // declared for --help and parsing; ConfigFile.apply reads the file before picocli parses

  /** This command's options as parsed, for writing the run's config.properties. */
  @Spec
  CommandSpec spec;

  @Mixin
  SparkArgs spark;

  @Override
  public Integer call() throws java.io.IOException {
    PrintStream console = System.out;
    // Every argument is checked before Spark starts: a typo should cost milliseconds.
    Activation act = Activation.parse(activation);
    Loss forcedLoss = loss == null ? null : Loss.parse(loss);
    // L-BFGS is a full-batch solver, not a per-step optimizer: it takes its own path below.
    boolean lbfgs = optimizer.trim().equalsIgnoreCase("lbfgs");
    if (lbfgs) {
      refuseWhatLbfgsIgnores();
    }
    // The per-step optimizer's settings still parse and validate; L-BFGS ignores them.
    Optimizer opt = Optimizer.parse(lbfgs ? "sgd" : optimizer);
    if (weightDecay != null) {
      if (!(opt instanceof AdamW w)) {
        throw new UsageException("--weight-decay is AdamW's decoupled decay; with --optimizer " + opt.name() + " use --l2");
      }
      opt = new AdamW(w.learningRate(), w.beta1(), w.beta2(), w.epsilon(), weightDecay);
    }
    if (opt instanceof AdamW && l2 > 0) {
      throw new UsageException("AdamW decays the weights itself: use --weight-decay, not --l2");
    }
    if (learningRate != null) {
      if (!(learningRate > 0 && Double.isFinite(learningRate))) {
        throw new UsageException("--learning-rate must be positive and finite, not " + learningRate);
      }
      opt = opt.withLearningRate(learningRate);
    }
    Scaling scale = Scaling.parse(scaling);
    Scaling targetScale = Scaling.parse(targetScaling);
    if (targetScale != Scaling.NONE && forcedLoss != null && forcedLoss.isClassification()) {
      throw new UsageException("--target-scaling rescales regression targets; --loss " + forcedLoss.cliName() + " predicts classes");
    }
    Precision arithmetic = Precision.parse(precision);
    fraction("--dropout", dropout);
    // Only the float64 mini-batch kernels drop units; refuse rather than train without it.
    if (dropout > 0 && arithmetic == Precision.FLOAT32) {
      throw new UsageException("--dropout is implemented for --precision float64 only");
    }
    // TrainConfig, Stopping and Schedule check these too, but only the option's name tells a
    // user which one, and only a check here comes before Spark starts.
    zeroOrMore("--l1", l1);
    zeroOrMore("--l2", l2);
    zeroOrMore("--clip-norm", clipNorm);
    zeroOrMore("--min-improvement", minImprovement);
    zeroOrMore("--target-loss", targetLoss);
    zeroOrMore("--time-budget", timeBudget);
    if (patience < 0) {
      throw new UsageException("--early-stopping must be 0 (off) or a positive patience, not " + patience);
    }
    try {
      Schedule.parse(schedule, 1, 1, Warmup.NONE); // the spelling; the steps come with the data
    } catch (IllegalArgumentException e) {
      throw new UsageException("--schedule: " + e.getMessage());
    }
    Stopping stopping = new Stopping(Stopping.Metric.parse(stoppingMetric), patience, minImprovement, targetLoss, timeBudget);
    if (forcedLoss != null && !stopping.metric().fits(forcedLoss)) {
      throw new UsageException(metricMismatch(stopping.metric(), "--loss " + forcedLoss.cliName() + " predicts "
          + (forcedLoss.isClassification() ? "classes" : "numbers")));
    }
    int[] widths = hidden == null ? Defaults.HIDDEN.clone() : widths(hidden);
    positive("--batch-size", batchSize);
    positive("--epochs", epochs);
    spark.validate();
    dataArgs.validate();
    fraction("--validation-fraction", validationFraction);
    if (!(warmupEpochs >= 0) || Double.isInfinite(warmupEpochs)) {
      throw new UsageException("--warmup-epochs must be zero or positive, not " + warmupEpochs);
    }
    fraction("--test-fraction", testFraction);
    Reduction sumOrder = Reduction.parse(reduction);
    if (checkpointEvery < 0) {
      throw new UsageException("--checkpoint-every must be zero or positive, not " + checkpointEvery);
    }
    if (keepCheckpoints < 1) {
      throw new UsageException("--keep-checkpoints must be at least 1, not " + keepCheckpoints);
    }
    Path checkpoints = checkpointDir != null ? checkpointDir : resumeFrom;
    if (checkpointEvery > 0 && checkpoints == null) {
      throw new UsageException("--checkpoint-every needs --checkpoint-dir DIR: where to write the checkpoints");
    }
    if (lbfgs && checkpoints != null) {
      throw new UsageException("--optimizer lbfgs is not checkpointed: --checkpoint-dir and --resume do not apply");
    }
    if (resumeFrom != null && Files.exists(resumeFrom) && !Files.isDirectory(resumeFrom)) {
      throw new UsageException("--resume " + resumeFrom + ": not a directory; give the run's --checkpoint-dir");
    }
    if (out != null && out.toString().isBlank()) {
      throw new UsageException("--out is empty: give the directory to save the model in");
    }
    if (resumeFrom != null && CheckpointStore.list(resumeFrom).isEmpty()) {
      throw new UsageException("--resume " + resumeFrom + ": " + (Files.isDirectory(resumeFrom) ? "holds no checkpoint"
          : "no such directory"));
    }
    if (out != null && Files.exists(out) && !overwrite) {
      throw new UsageException(out + ": already exists; pass --overwrite to replace it");
    }
    if (out != null) {
      ModelFile.checkSavable(out, overwrite); // a directory that is not a model's: refused now, not after training
    }
    String dataSpec = dataArgs.data == null ? "digits" : dataArgs.data;

    try (JavaSparkContext sc = spark.start(); RunFiles run = out == null ? null : RunFiles.stage(out)) {
      if (run != null) {
        run.write(RunFiles.CONFIG, ConfigFile.effective(spec).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      console.println(SparkSetup.describe(sc));
      DataArgs.Resolved sources = dataArgs.resolve(dataSpec, seed, sc);
      DataArgs.Resolved testSources = testData == null ? null : dataArgs.resolve(testData, seed, sc);
      DataArgs.Resolved validationSources = validationData == null ? null
          : dataArgs.resolve(validationData, seed, sc);
      int parts = spark.partitions(sc);
      // A label column of words names the classes; every other set is read with the same names.
      List<String> classNames = PreparedData.classNames(sc, sources.train(), parts);
      if (classNames != null && forcedLoss != null && !forcedLoss.isClassification()) {
        throw new UsageException("--loss " + forcedLoss.cliName() + " predicts numbers, but the labels of "
            + sources.train().describe() + " are class names");
      }
      PreparedData data = PreparedData.prepare(sc, DataArgs.named(sources.train(), classNames),
          DataArgs.named(testSources != null ? testSources.train() : sources.test(), classNames),
          DataArgs.named(validationSources != null ? validationSources.train() : null, classNames),
          new PreparedData.Options(parts, seed, testFraction, validationFraction, scale, null, targetScale, null));

      Task task = Task.of(data, forcedLoss);
      if (!stopping.metric().fits(task.loss())) {
        throw new UsageException(metricMismatch(stopping.metric(), sources.train().describe()
            + (task.loss().isClassification() ? " has " : " is a ") + task.describe()));
      }
      if (targetScale != Scaling.NONE && task.loss().isClassification()) {
        throw new UsageException("--target-scaling rescales regression targets, but " + sources.train().describe()
            + " has class labels (" + task.describe() + "); pass --loss squared-error to treat them as numbers");
      }
      Architecture architecture = Architecture.of(data.features(), widths, task.loss().outputsFor(task.classes()), act, task.loss());
      long trainCount = data.count(Role.TRAIN);
      int batch = batchSize != null ? batchSize : Defaults.batchSize(trainCount);
      int epochCount = epochs != null ? epochs : Defaults.epochs(trainCount, batch);
      if (scaleLearningRate) {
        opt = opt.withLearningRate(Warmup.scaleLinearly(opt.learningRate(), batch, Defaults.LEARNING_RATE_REFERENCE_BATCH));
      }
      EpochPlan plan = new EpochPlan(trainCount, batch, epochCount);
      Warmup warmup = new Warmup(Math.round(warmupEpochs * plan.iterationsPerEpoch()));
      Schedule rates = Schedule.parse(schedule, plan.iterationsPerEpoch(), plan.totalIterations(), warmup);
      TrainConfig config = new TrainConfig(opt, batch, epochCount, seed, l1, l2, rates, clipNorm, dropout);

      console.printf("data: %s: %,d examples (%,d train, %,d validation, %,d test), %d features, %s; cached %s in %d partitions%n",
          sources.train().describe(), data.labels().count(), trainCount, data.count(Role.VALIDATION), data.count(Role.TEST),
          data.features(), task.describe(), megabytes(data.cachedBytes()), data.partitions());
      if (classNames != null) {
        console.printf("classes: %s%n", DataArgs.numbered(classNames));
      }
      String optimization = lbfgs ? "full-batch L-BFGS, at most " + epochCount + " iterations"
          : String.format("optimizer %s, learning rate %g%s, schedule %s", opt.name(), opt.learningRate(),
              warmup.steps() > 0 ? String.format(" after %,d warm-up iterations", warmup.steps()) : "", schedule);
      console.printf("network: %s, %,d parameters, %s; %s, L1 %g, L2 %g%s%n",
          architecture, architecture.layout().size(), arithmetic.cliName(), optimization, l1, l2,
          dropout > 0 ? String.format(", dropout %g", dropout) : "");

      Network network = new Network(architecture);
      Trainer trainer = new Trainer(network, config, stopping);
      Checkpoint resume = null;
      if (checkpoints != null) {
        Map<String, String> runSettings = new TreeMap<>();
        dataArgs.describe(dataSpec).forEach((k, v) -> runSettings.put("data." + k, String.valueOf(v)));
        runSettings.put("testData", String.valueOf(testData));
        runSettings.put("validationData", String.valueOf(validationData));
        runSettings.put("testFraction", Double.toString(testFraction));
        runSettings.put("validationFraction", Double.toString(validationFraction));
        runSettings.put("partitions", Integer.toString(data.partitions()));
        runSettings.put("scaling", scale.name());
        runSettings.put("targetScaling", targetScale.name());
        runSettings.put("precision", arithmetic.cliName());
        runSettings.put("float32Gradients", Boolean.toString(float32Gradients));
        runSettings.put("reduction", sumOrder.cliName());
        trainer = trainer.withCheckpoints(new CheckpointStore(checkpoints, keepCheckpoints), checkpointEvery, runSettings);
        console.printf("checkpoints: at every epoch end%s, into %s, keeping the newest %d%n",
            checkpointEvery > 0 ? String.format(" and every %,d iterations", checkpointEvery) : "", checkpoints,
            keepCheckpoints);
        if (resumeFrom != null) {
          CheckpointStore.Found found = CheckpointStore.latest(resumeFrom);
          for (String skipped : found.skipped()) {
            console.println("warning: skipping a damaged checkpoint: " + skipped);
          }
          resume = found.checkpoint();
          console.printf("resuming from %s: %s%n", found.file(), resume.position());
        }
      }
      Trainer.Result result;
      Evaluation test;
      try (SparkEngine engine = new SparkEngine(sc, data, architecture, task.classes(), arithmetic, float32Gradients,
          sumOrder)) {
        ProgressPrinter progress = ProgressPrinter.forConsole(console);
        TrainingListener listener = run == null ? progress
            : TrainingListener.all(progress, new HistoryRecorder(run.history(), engine, trainMetrics,
                resume == null ? List.of() : resume.history()));
        result = lbfgs ? fullBatch(network, engine, config, progress, listener) : trainer.train(engine, listener, resume);
        test = engine.evaluate(result.parameters(), Role.TEST);
      }
      if (result.stopReason() != null) {
        console.println("stopped: " + result.stopReason());
      }
      console.printf("test: %,d examples, loss %.4f, %s%n", test.count(), test.meanLoss(), describe(test));

      if (this.out != null) {
        Map<String, Object> training = new LinkedHashMap<>(dataArgs.describe(dataSpec));
        if (testData != null) {
          training.put("testData", testData);
        }
        training.put("seed", seed);
        training.put("testFraction", testFraction);
        // What the split really used, so evaluate can rebuild the same held-out test set.
        training.put("validationFraction", validationData != null ? 0.0 : validationFraction);
        training.put("partitions", data.partitions());
        training.put("optimizer", lbfgs ? "lbfgs" : opt.name());
        if (!lbfgs) {
          training.put("learningRate", opt.learningRate());
        }
        training.put("l1", l1);
        training.put("l2", l2);
        training.put("schedule", schedule);
        training.put("clipNorm", clipNorm);
        training.put("dropout", dropout);
        training.put("warmupIterations", warmup.steps());
        training.put("precision", arithmetic.cliName());
        training.put("reduction", sumOrder.cliName());
        training.put("batchSize", batch);
        training.put("epochs", epochCount);
        training.put("trainExamples", trainCount);
        if (validationData != null) {
          training.put("validationData", validationData);
        }
        training.put("bestEpoch", result.bestEpoch());
        training.put("seconds", result.history().get(result.history().size() - 1).elapsedSeconds());
        Map<String, Double> metrics = new LinkedHashMap<>();
        // The kept parameters' epoch, which under early stopping is not the last one.
        EpochStats last = result.history().get(result.bestEpoch() - 1);
        metrics.put("train.loss", last.trainLoss());
        if (last.validation() != null) {
          last.validation().metrics().forEach((k, v) -> metrics.put("validation." + k, v));
        }
        test.metrics().forEach((k, v) -> metrics.put("test." + k, v));
        Model model = new Model(architecture, result.parameters(), scale, data.scaler(), task.classes(), training, metrics,
            targetScale, data.targetScaler(), classNames);
        Map<String, Object> evaluation = new LinkedHashMap<>();
        evaluation.put("test", EvaluateCommand.asJson(test, classNames));
        if (last.validation() != null) {
          evaluation.put("validation", EvaluateCommand.asJson(last.validation(), classNames));
        }
        evaluation.put("epoch", result.bestEpoch());
        run.write(RunFiles.EVALUATION, new com.fasterxml.jackson.databind.ObjectMapper()
            .writerWithDefaultPrettyPrinter().writeValueAsBytes(evaluation));
        run.commit(model, overwrite);
        console.println("model saved to " + this.out);
      }
      data.release();
    }
    return 0;
  }

  /**
   * L-BFGS minimizes the whole training set's loss plus the L2 penalty, with steps it chooses
   * itself, for at most --epochs iterations. The options of the mini-batch path would be
   * ignored, and recorded in the model as if they had been used; so each one given is refused.
   */
  private void refuseWhatLbfgsIgnores() {
    Map<String, Boolean> set = new LinkedHashMap<>();
    set.put("--learning-rate", learningRate != null);
    set.put("--scale-learning-rate", scaleLearningRate);
    set.put("--schedule", !schedule.equals("constant"));
    set.put("--warmup-epochs", warmupEpochs > 0);
    set.put("--batch-size", batchSize != null);
    set.put("--weight-decay", weightDecay != null);
    set.put("--l1", l1 > 0);
    set.put("--clip-norm", clipNorm > 0);
    set.put("--dropout", dropout > 0);
    set.put("--early-stopping", patience > 0);
    set.put("--target-loss", targetLoss > 0);
    set.put("--time-budget", timeBudget > 0);
    List<String> given = set.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    if (!given.isEmpty()) {
      throw new UsageException(String.join(", ", given) + (given.size() == 1 ? " does" : " do")
          + " not apply to --optimizer lbfgs, a full-batch solver that chooses its own steps and minimizes"
          + " the loss plus --l2 for at most --epochs iterations");
    }
  }

  /** Why {@code metric} cannot watch this run, whose task {@code why} says: accuracy needs classes, RMSE numbers. */
  private static String metricMismatch(Stopping.Metric metric, String why) {
    return metric == Stopping.Metric.ACCURACY
        ? "--early-stopping-metric accuracy counts correct classes, but " + why + "; use loss or rmse"
        : "--early-stopping-metric " + metric.cliName() + " measures numeric predictions, but " + why
            + "; use loss or accuracy";
  }

  /** Breeze's L-BFGS over the whole training set; its iterations are reported as epochs. */
  private static Trainer.Result fullBatch(Network network, SparkEngine engine, TrainConfig config, ProgressPrinter progress,
      TrainingListener listener) {
    long start = System.nanoTime();
    Lbfgs.Result r = Lbfgs.minimize(network, engine, Initializer.initialize(network.architecture(), config.seed()),
        config.l2(), config.epochs(), Lbfgs.DEFAULT_TOLERANCE, Lbfgs.DEFAULT_MEMORY);
    double seconds = (System.nanoTime() - start) / 1e9;
    Evaluation validation = engine.examples(Role.VALIDATION) > 0 ? engine.evaluate(r.parameters(), Role.VALIDATION) : null;
    long examples = engine.examples(Role.TRAIN);
    EpochStats stats = new EpochStats(r.iterations(), r.finalLoss(), validation, seconds,
        examples * (double) r.evaluations() / seconds, seconds, Double.NaN, Double.NaN, Double.NaN);
    progress.out().printf("L-BFGS: %d iterations, %d evaluations (Spark jobs), stopped by %s%n",
        r.iterations(), r.evaluations(), r.stop().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    listener.epochFinished(stats, r.parameters());
    return new Trainer.Result(r.parameters(), java.util.List.of(stats), 1, null);
  }

  static String describe(Evaluation e) {
    return e.isClassification()
        ? String.format("accuracy %.4f", e.accuracy())
        : String.format("RMSE %.4f, MAE %.4f, R² %.4f", e.rmse(), e.mae(), e.r2());
  }

  private static String megabytes(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }

  private static void positive(String name, Integer value) {
    if (value != null && value <= 0) {
      throw new UsageException(name + " must be positive, not " + value);
    }
  }

  /** "256,128" as layer widths; "" as none. */
  static int[] widths(String spec) {
    if (spec.isBlank()) {
      return new int[0];
    }
    String[] parts = spec.split(",", -1);
    int[] widths = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        widths[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException("--hidden: '" + parts[i].trim() + "' is not a layer width; expected N,N,…,"
            + " or nothing for no hidden layer");
      }
      if (widths[i] <= 0) {
        throw new UsageException("--hidden: layer sizes must be positive, not " + widths[i]);
      }
    }
    return widths;
  }

  private static void zeroOrMore(String name, double value) {
    if (!(value >= 0.0) || Double.isInfinite(value)) {
      throw new UsageException(name + " must be zero or positive and finite, not " + value);
    }
  }

  private static void fraction(String name, double value) {
    if (!(value >= 0.0 && value < 1.0)) {
      throw new UsageException(name + " must be in [0, 1), not " + value);
    }
  }
}
