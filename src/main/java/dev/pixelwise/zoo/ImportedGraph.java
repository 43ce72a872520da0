package dev.pixelwise.zoo;

import org.jboss.logging.Logger;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * A model imported into an ND4J {@link SameDiff} graph, for inference only, whatever format it came from
 * (TFLite, TF.js): its source and fingerprint, a {@link GraphRunner} over it, the cache file
 * ({@link GraphFile}) and the release of its off-heap memory.
 *
 * <h2>Threads and memory</h2>
 * Not for concurrent use: a forward pass holds the instance's lock, so one instance serves one call at a
 * time (make one instance per worker for parallelism; they share nothing). The graph runs through a
 * {@link GraphRunner}: a plan per input shape and a pool of intermediate arrays that are freed
 * deterministically, not left to the garbage collector. Arrays a forward pass returns belong to the
 * caller, who should {@link INDArray#close() close} them (ND4J's off-heap memory is not counted by the
 * JVM heap). {@link #close()} frees the pool and the constant (weight) arrays.
 */
public abstract class ImportedGraph implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ImportedGraph.class);

    private final SameDiff sd;
    private final String magic;
    private final int formatVersion;
    private final String source;
    private final String fingerprint;
    private final GraphRunner runner;

    /**
     * @param magic         the cache file's magic string, one per graph kind
     * @param formatVersion the cache file's format version: bumped when the importer makes a different
     *                      graph for the same model, to invalidate caches
     * @param input         the graph's one placeholder
     * @param fingerprint   what identifies the model file(s) the graph was imported from (a sha256)
     */
    protected ImportedGraph(String magic, int formatVersion, SameDiff sd, String input, String source, String fingerprint) {
        this.magic = magic;
        this.formatVersion = formatVersion;
        this.sd = sd;
        this.runner = new GraphRunner(sd, input);
        this.source = source;
        this.fingerprint = fingerprint;
    }

    /** The model file the graph was imported from, for messages. */
    public String source() {
        return source;
    }

    /** sha256 (hex) of the model file(s) the graph was imported from; "" when imported from memory. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The underlying graph (for inspection; do not run it concurrently with a forward pass). */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * One forward pass over {@code input} (cast to float32 if it is not), with the named outputs in the
     * order asked; the caller owns them, the input is not modified.
     */
    protected Map<String, INDArray> run(INDArray input, String... outputs) {
        return run(input, Precision.FP32, outputs);
    }

    /** As {@link #run(INDArray, String...)}, the fused convolutions computing in {@code precision}. */
    protected synchronized Map<String, INDArray> run(INDArray input, Precision precision, String... outputs) {
        INDArray x = input.dataType() == DataType.FLOAT ? input : input.castTo(DataType.FLOAT);
        try {
            return runner.run(x, precision, outputs);
        } finally {
            if (x != input) {
                x.close();
            }
        }
    }

    /**
     * One forward pass over a float32 input of {@code shape} that {@code fill} writes in place (C order), into an array
     * kept for the next call of that shape ({@link GraphRunner#run(long[], Consumer, Precision, String...)}).
     */
    protected synchronized Map<String, INDArray> run(long[] shape, Consumer<INDArray> fill, Precision precision, String... outputs) {
        return runner.run(shape, fill, precision, outputs);
    }

    /**
     * Quantises {@link Precision#INT8}'s convolution inputs by {@code ranges}, if they were calibrated on this graph:
     * the same model file(s) (fingerprint) imported by the same graph format. Otherwise nothing changes (one
     * warning), and int8 is not offered ({@link #runnable}).
     */
    public synchronized boolean useInt8Ranges(Int8Ranges ranges) {
        if (!fingerprint.equals(ranges.fingerprint()) || formatVersion != ranges.graphFormat()) {
            LOG.warnf("int8 ranges for %s were calibrated on another graph (fingerprint %s, format %d; this one %s, %d): not used",
                    source, ranges.fingerprint(), ranges.graphFormat(), fingerprint, formatVersion);
            return false;
        }
        runner.useInt8Ranges(ranges);
        return true;
    }

    /** What {@code precision} runs as here: INT8 needs calibrated ranges, without them it is {@link Precision#withoutInt8}. */
    public Precision runnable(Precision precision) {
        return precision == Precision.INT8 && runner.int8Ranges() == null ? Precision.withoutInt8() : precision;
    }

    /**
     * Calibrates int8 on {@code inputs} (one shape), named {@code names} in the table: every fused convolution's
     * input range in float32, for the named {@code outputs}. See {@link Int8Ranges}.
     */
    public synchronized Int8Ranges calibrate(List<INDArray> inputs, List<String> names, String... outputs) {
        return new Int8Ranges(fingerprint, formatVersion, names, runner.calibrate(inputs, outputs));
    }

    /** Reports the duration of every op of the following forward passes to {@code timer} (null: stop); see bench/profile.sh. */
    public void timeSteps(GraphRunner.StepTimer timer) {
        runner.timeSteps(timer);
    }

    /** Frees the arrays kept between calls (about one call's working set); the graph stays usable. */
    public void releaseMemory() {
        runner.releasePool();
    }

    /** Frees the sessions' cached arrays and the graph's constant arrays; the instance is unusable afterwards. */
    @Override
    public synchronized void close() {
        runner.close();
        GraphFile.closeAll(sd);
    }

    // ---------------------------------------------------------------- persistence

    /** What {@link #save} writes before the graph: the importer's description of it. */
    protected abstract Properties header();

    /** Writes the graph to {@code file} atomically (temporary file in the same folder, then a rename). */
    public synchronized void save(Path file) throws IOException {
        GraphFile.save(file, magic, formatVersion, header(), sd);
    }

    /** Reads a cache file of some graph kind. */
    @FunctionalInterface
    public interface Reader<G extends ImportedGraph> {
        G load(Path file) throws IOException;
    }

    /** Imports a model afresh. */
    @FunctionalInterface
    public interface Importer<G extends ImportedGraph> {
        G importModel() throws IOException;
    }

    /**
     * The graph from {@code cacheFile} when that holds a graph of a model with {@code fingerprint} made by the
     * same graph format, otherwise {@code importer}'s, then written to {@code cacheFile} (atomically). A
     * damaged or stale cache file is replaced; if it cannot be written the imported graph is still returned
     * (with a warning in the log).
     */
    public static <G extends ImportedGraph> G loadOrImport(Path cacheFile, String fingerprint, Reader<G> reader,
                                                           Importer<G> importer) throws IOException {
        if (Files.isRegularFile(cacheFile)) {
            try {
                G cached = reader.load(cacheFile);
                if (fingerprint.equals(cached.fingerprint())) {
                    return cached;
                }
                LOG.infof("SameDiff cache %s was made from another model (fingerprint %s, now %s); re-importing",
                        cacheFile, cached.fingerprint(), fingerprint);
                cached.close();
            } catch (IOException | RuntimeException e) {
                LOG.warnf("SameDiff cache %s is unreadable (%s); re-importing", cacheFile, e.toString());
            }
        }
        G graph = importer.importModel();
        try {
            graph.save(cacheFile);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot write SameDiff cache %s (%s); continuing with the imported graph", cacheFile, e.toString());
        }
        return graph;
    }
}
