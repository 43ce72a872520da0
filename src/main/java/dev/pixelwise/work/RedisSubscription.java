package dev.pixelwise.work;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A pub/sub subscription that outlives its connection. A subscription ends with its connection
 * (a Redis restart), and every later message would be lost; this subscribes again until it
 * succeeds, then calls {@code afterResubscribe} (until it does not throw), because whatever was
 * published meanwhile is gone for good and the caller has to look at the state itself.
 * <p>
 * It runs the connection itself rather than through the data source's subscriber, which sends
 * SUBSCRIBE before it listens: a fast confirmation is then lost, the subscribe call times out
 * while the connection stays subscribed, and every retry adds a subscription.
 */
final class RedisSubscription implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisSubscription.class);
    static final long RETRY_MILLIS = 500;
    private static final long CONFIRM_MILLIS = 5000;

    private final RedisDataSource redis;
    private final Redis client;
    private final String channel;
    private final Consumer<String> onMessage;
    private final Runnable afterResubscribe;
    /** Subscribing blocks: never on the event loop, where the end of a connection is reported. */
    private final ScheduledExecutorService retries;
    private RedisConnection current;
    private boolean closed;

    private RedisSubscription(RedisDataSource redis, String channel, Consumer<String> onMessage, Runnable afterResubscribe) {
        this.redis = redis;
        this.client = redis.getReactive().getRedis().getDelegate();
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
    static RedisSubscription open(RedisDataSource redis, String channel, Consumer<String> onMessage, Runnable afterResubscribe) {
        RedisSubscription s = new RedisSubscription(redis, channel, onMessage, afterResubscribe);
        RedisConnection first = s.subscribe();
        synchronized (s) {
            s.current = first;
        }
        return s;
    }

    /**
     * A connection of its own, listening before it sends SUBSCRIBE. A connection that fails to
     * subscribe is closed and its end ignored; each other connection starts at most one retry,
     * although its end and its exception may both be reported.
     */
    private RedisConnection subscribe() {
        RedisConnection connection = await(client.connect().toCompletionStage().toCompletableFuture());
        AtomicBoolean ended = new AtomicBoolean();
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        connection.handler(r -> {
            if ((r.type() == ResponseType.PUSH || r.type() == ResponseType.MULTI) && r.size() >= 3) {
                String kind = r.get(0).toString();
                if (kind.equals("message")) {
                    onMessage.accept(r.get(2).toString());
                } else if (kind.equals("subscribe")) {
                    confirmed.complete(null);
                }
            }
        });
        Runnable lost = () -> {
            if (ended.compareAndSet(false, true)) {
                lost();
            }
        };
        connection.endHandler(v -> lost.run());
        connection.exceptionHandler(e -> lost.run());
        connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).onComplete(sent -> {
            if (sent.failed()) {
                confirmed.completeExceptionally(sent.cause());
            }
        });
        try {
            await(confirmed);
        } catch (RuntimeException e) {
            ended.set(true);
            connection.close();
            throw e;
        }
        return connection;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(CONFIRM_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new IllegalStateException("Redis did not answer within " + CONFIRM_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private synchronized void lost() {
        if (closed) {
            return;
        }
        LOG.warnf("Lost the subscription to %s; subscribing again", channel);
        retries.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void retry() {
        RedisConnection fresh;
        try {
            // wait until Redis answers a read: while it loads its data it takes SUBSCRIBE but not the catch-up reads
            redis.execute("EXISTS", channel);
            fresh = subscribe();
        } catch (RuntimeException e) {
            LOG.debugf("Subscribing to %s failed: %s", channel, e.getMessage());
            schedule(this::retry);
            return;
        }
        synchronized (this) {
            if (closed) {
                fresh.close();
                return;
            }
            current = fresh;
        }
        LOG.infof("Subscribed to %s again", channel);
        catchUp();
    }

    private void catchUp() {
        try {
            afterResubscribe.run();
        } catch (RuntimeException e) {
            LOG.debugf("Catching up after subscribing to %s again failed: %s", channel, e.getMessage());
            schedule(this::catchUp);
        }
    }

    private synchronized void schedule(Runnable task) {
        if (!closed) {
            retries.schedule(task, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        RedisConnection last;
        synchronized (this) {
            closed = true;
            last = current;
            current = null;
        }
        retries.shutdownNow();
        if (last != null) {
            last.close(); // a subscribed connection is closed, never handed back to the pool
        }
    }
}
