package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * Stage 2: weighted k-means on the histogram entries: initialisation (k-means++ or random),
 * Lloyd iterations with the three convergence tests ({@link FilteringLloyd} for Euclidean,
 * {@link LloydIterations} with its per-point medians for Manhattan), and {@code restarts}
 * independent starts keeping the lowest inertia (k-means only finds a local minimum that depends on
 * the start). Starts are raced: each gets {@link #RACE_ITERATIONS} iterations, then the one with
 * the lowest inertia continues until a convergence test stops it.
 */
final class KMeansPalette {
    private final ParallelChunks parallel;

    KMeansPalette(ParallelChunks parallel) {
        this.parallel = parallel;
    }

    /**
     * Lloyd iterations each restart gets before the runs are compared; only the best is then run
     * to convergence. Inertia after a few iterations ranks starts well, and at large k most of
     * the cost is in the long tail of small Lloyd moves, which this pays for once, not per run.
     */
    static final int RACE_ITERATIONS = 10;

    private static LloydIterations.Result seedAndIterate(WeightedPoints pts, KdTree tree, int k, KMeansParams params,
                                                         int iterations, SplittableRandom rng, ParallelChunks parallel,
                                                         BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled before a k-means run");
        }
        boolean manhattan = params.distance() == Distance.MANHATTAN;
        double[] start = params.init() == Init.KMEANS_PP
                ? Seeding.kMeansPlusPlus(pts, k, manhattan, rng, cancelled)
                : Seeding.random(pts, k, rng);
        return iterate(pts, tree, k, params, start, iterations, parallel, cancelled);
    }

    private static LloydIterations.Result iterate(WeightedPoints pts, KdTree tree, int k, KMeansParams params,
                                                  double[] centroids, int iterations, ParallelChunks parallel,
                                                  BooleanSupplier cancelled) {
        return params.distance() == Distance.MANHATTAN
                ? new LloydIterations(pts, k, true, parallel).run(centroids, iterations, params.tolerance(), cancelled)
                : new FilteringLloyd(tree, k, parallel).run(centroids, iterations, params.tolerance(), cancelled);
    }

    /**
     * @param k number of clusters; at most the number of distinct points
     * @return best run; its centroids are k * 3 working-space values
     */
    LloydIterations.Result run(WeightedPoints pts, KdTree tree, int k, KMeansParams params, BooleanSupplier cancelled,
                               DoubleConsumer progress) {
        if (k < 1 || k > pts.size) {
            throw new IllegalArgumentException("k must be in 1.." + pts.size + ", was " + k);
        }
        int restarts = params.restarts();
        // Split all generators up front so run r gets the same stream however runs are scheduled.
        SplittableRandom master = new SplittableRandom(params.seed());
        SplittableRandom[] rngs = new SplittableRandom[restarts];
        for (int r = 0; r < restarts; r++) {
            rngs[r] = master.split();
        }
        // With one run there is nothing to race: it gets every iteration straight away.
        int race = restarts == 1 ? params.maxIterations() : Math.min(RACE_ITERATIONS, params.maxIterations());
        LloydIterations.Result[] runs = new LloydIterations.Result[restarts];
        if (restarts > 1 && parallel.workers() > 1) {
            // Independent runs on separate threads use the cores better than splitting each small run.
            ParallelChunks inner = new ParallelChunks(null, 1);
            parallel.run(restarts, (worker, r) -> runs[r] = seedAndIterate(pts, tree, k, params, race, rngs[r], inner, cancelled));
        } else {
            for (int r = 0; r < restarts; r++) {
                runs[r] = seedAndIterate(pts, tree, k, params, race, rngs[r], parallel, cancelled);
                progress.accept(0.5 * (r + 1.0) / restarts);
            }
        }
        LloydIterations.Result best = runs[0];
        for (int r = 1; r < restarts; r++) {
            if (runs[r].inertia() < best.inertia()) {
                best = runs[r];
            }
        }
        progress.accept(0.5);
        if (best.stopReason() == StopReason.MAX_ITERATIONS && best.iterations() < params.maxIterations()) {
            LloydIterations.Result rest = iterate(pts, tree, k, params, best.centroids(),
                    params.maxIterations() - best.iterations(), parallel, cancelled);
            best = new LloydIterations.Result(rest.centroids(), best.iterations() + rest.iterations(), rest.stopReason(),
                    rest.inertia());
        }
        progress.accept(1.0);
        return best;
    }
}
