package dev.pixelwise.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * RFC 9457 problem details. {@code field} names the offending option for 400s and
 * {@code retryAfter} (seconds) mirrors the Retry-After header for 429s.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      String field, Long retryAfter) {

    public static final String TYPE_BASE = "https://pixelwise.dev/problems/";
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String type, String title, String detail, String instance) {
        return new Problem(TYPE_BASE + type, title, status, detail, instance, null, null);
    }
}
