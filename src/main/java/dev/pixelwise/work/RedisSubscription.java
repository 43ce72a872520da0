package dev.pixelwise.work;

import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A pub/sub subscription that outlives its connection. The Redis client subscribes on a
 * connection of its own and simply ends when that connection does (a Redis restart), so every
 * later message would be lost; this subscribes again until it succeeds, then calls
 * {@code afterResubscribe} (until it does not throw), because whatever was published meanwhile
 * is gone for good and the caller has to look at the state itself.
 */
final class RedisSubscription implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisSubscription.class);
    static final long RETRY_MILLIS = 500;

    private final PubSubCommands<String> pubsub;
    private final String channel;
    private final Consumer<String> onMessage;
    private final Runnable afterResubscribe;
    /** Subscribing blocks: never on the event loop, where the end of a connection is reported. */
    private final ScheduledExecutorService retries;
    private PubSubCommands.RedisSubscriber current;
    private boolean closed;

    private RedisSubscription(PubSubCommands<String> pubsub, String channel, Consumer<String> onMessage,
                              Runnable afterResubscribe) {
        this.pubsub = pubsub;
        this.channel = channel;
        this.onMessage = onMessage;
        this.afterResubscribe = afterResubscribe;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-resubscribe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscribes now (failing if Redis is unreachable, as at start-up) and again after every lost connection. */
    static RedisSubscription open(PubSubCommands<String> pubsub, String channel, Consumer<String> onMessage,
                                  Runnable afterResubscribe) {
        RedisSubscription s = new RedisSubscription(pubsub, channel, onMessage, afterResubscribe);
        PubSubCommands.RedisSubscriber first = s.subscribe();
        synchronized (s) {
            s.current = first;
        }
        return s;
    }

    /** Each connection starts at most one retry, although its end and its exception may both be reported. */
    private PubSubCommands.RedisSubscriber subscribe() {
        AtomicBoolean ended = new AtomicBoolean();
        Runnable lost = () -> {
            if (ended.compareAndSet(false, true)) {
                lost();
            }
        };
        return pubsub.subscribe(channel, onMessage, lost, e -> lost.run());
    }

    private synchronized void lost() {
        if (closed) {
            return;
        }
        LOG.warnf("Lost the subscription to %s; subscribing again", channel);
        retries.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void retry() {
        PubSubCommands.RedisSubscriber fresh;
        try {
            fresh = subscribe();
        } catch (RuntimeException e) {
            LOG.debugf("Subscribing to %s failed: %s", channel, e.getMessage());
            synchronized (this) {
                if (!closed) {
                    retries.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
            return;
        }
        synchronized (this) {
            if (closed) {
                fresh.unsubscribe();
                return;
            }
            current = fresh;
        }
        LOG.infof("Subscribed to %s again", channel);
        catchUp();
    }

    /** Redis answers SUBSCRIBE while it still loads its data (other commands fail then): tried until it works. */
    private void catchUp() {
        try {
            afterResubscribe.run();
        } catch (RuntimeException e) {
            LOG.debugf("Catching up after subscribing to %s again failed: %s", channel, e.getMessage());
            synchronized (this) {
                if (!closed) {
                    retries.schedule(this::catchUp, RETRY_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @Override
    public void close() {
        PubSubCommands.RedisSubscriber last;
        synchronized (this) {
            closed = true;
            last = current;
            current = null;
        }
        retries.shutdownNow();
        if (last != null) {
            try {
                last.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debugf("Unsubscribing from %s failed: %s", channel, e.getMessage());
            }
        }
    }
}
