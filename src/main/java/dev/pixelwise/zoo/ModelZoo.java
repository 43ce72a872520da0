package dev.pixelwise.zoo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model zoo: manifests from {@code model-zoo/} (validated at start-up), their files
 * materialised by {@link ModelFetcher}, and each model's state for the cards and readiness.
 */
@ApplicationScoped
public class ModelZoo {

    public enum State { MISSING, FETCHING, AVAILABLE, FAILED, LOADING, LOADED }

    static final String INDEX = "model-zoo/index.json";
    private static final Logger LOG = Logger.getLogger(ModelZoo.class);

    private final ZooConfig config;
    private final Map<String, ModelManifest> manifests;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private final ModelFetcher fetcher;

    public ModelZoo(ZooConfig config, ObjectMapper json) {
        this.config = config;
        this.manifests = loadManifests(json);
        this.fetcher = new ModelFetcher(config.dir(), config.mirror(), config.allowDownloads(), config.npmRegistry());
        manifests.values().forEach(m -> states.put(m.id(), fetcher.isComplete(m) ? State.AVAILABLE : State.MISSING));
    }

    void onStart(@Observes StartupEvent event) {
        if (config.fetchOnStart() && states.containsValue(State.MISSING)) {
            Thread t = new Thread(this::fetchAll, "model-fetch");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Fetches every missing model; returns the ids that are still not available. */
    public synchronized List<String> fetchAll() {
        List<String> failed = new ArrayList<>();
        for (ModelManifest m : manifests.values()) {
            if (states.get(m.id()) != State.MISSING && states.get(m.id()) != State.FAILED) {
                continue;
            }
            states.put(m.id(), State.FETCHING);
            try {
                fetcher.fetch(m);
                states.put(m.id(), State.AVAILABLE);
                reasons.remove(m.id());
                LOG.infof("Model %s is available in %s", m.id(), fetcher.modelDir(m));
            } catch (ModelFetchException e) {
                states.put(m.id(), State.FAILED);
                reasons.put(m.id(), e.getMessage());
                failed.add(m.id());
                LOG.errorf("Model %s: %s", m.id(), e.getMessage());
            }
        }
        return failed;
    }

    public List<ModelCard> cards() {
        return manifests.values().stream().map(this::card).toList();
    }

    public Optional<ModelManifest> manifest(String id) {
        return Optional.ofNullable(manifests.get(id));
    }

    public List<ModelManifest> forTask(String task) {
        return manifests.values().stream().filter(m -> m.task().equals(task)).toList();
    }

    public State state(String id) {
        return states.getOrDefault(id, State.MISSING);
    }

    /** Lets the loader of a model report loading and loaded. */
    public void markState(String id, State state, String reason) {
        states.put(id, state);
        if (reason == null) {
            reasons.remove(id);
        } else {
            reasons.put(id, reason);
        }
    }

    /** The verified local copy of a model's file; 503 when the model is not (yet) available. */
    public Path file(String id, String name) {
        ModelManifest m = manifests.get(id);
        if (m == null) {
            throw new AppException.NotFound("There is no model '" + id + "'");
        }
        State s = state(id);
        if (s == State.MISSING || s == State.FETCHING || s == State.FAILED) {
            throw new AppException.ModelUnavailable("Model " + id + " is " + s.name().toLowerCase()
                    + (reasons.containsKey(id) ? ": " + reasons.get(id) : ""));
        }
        m.file(name);
        return fetcher.modelDir(m).resolve(name);
    }

    private ModelCard card(ModelManifest m) {
        return new ModelCard(m.id(), m.task(), m.title(), m.architecture(), m.format(), m.license(), m.input(),
                m.accuracy(), m.files().stream().map(f -> new ModelCard.FileCard(f.name(), f.sha256(), f.size())).toList(),
                state(m.id()).name().toLowerCase(), reasons.get(m.id()));
    }

    static Map<String, ModelManifest> loadManifests(ObjectMapper json) {
        Map<String, ModelManifest> out = new LinkedHashMap<>();
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try (InputStream index = cl.getResourceAsStream(INDEX)) {
            if (index == null) {
                throw new IllegalStateException(INDEX + " is missing from the application");
            }
            for (String name : json.readValue(index, String[].class)) {
                try (InputStream in = cl.getResourceAsStream("model-zoo/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException(INDEX + " lists " + name + ", which does not exist");
                    }
                    ModelManifest m = json.readValue(in, ModelManifest.class).validated();
                    if (out.put(m.id(), m) != null) {
                        throw new IllegalStateException("two manifests use the id " + m.id());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the model zoo manifests", e);
        }
        return out;
    }

    Path modelDir(String id) {
        return fetcher.modelDir(manifests.get(id));
    }
}
