package dev.pixelwise.work;

/** Every Redis key and channel of a deployment, in one place. */
record RedisKeys(String prefix) {

    static final String GROUP = "workers";

    /** The stream of queued job ids, read by the consumer group of workers. */
    String queue() {
        return prefix + ":queue";
    }

    /** A hash with the job's state (status, progress, result JSON, ...). */
    String job(String id) {
        return prefix + ":job:" + id;
    }

    /** The bytes of one of the job's files; {@code input} is the upload. */
    String file(String id, String name) {
        return prefix + ":file:" + id + ":" + name;
    }

    /** Pub/sub: "id status" after every change of a job. */
    String events() {
        return prefix + ":events";
    }

    /** Pub/sub: the id of a job to stop, for whichever worker runs it. */
    String cancels() {
        return prefix + ":cancel";
    }
}
