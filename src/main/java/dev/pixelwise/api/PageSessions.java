package dev.pixelwise.api;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The pages' session once a person has typed an API key into the unlock page: a cookie
 * {@code v1.<expiry>.<nonce>.<mac>}, the MAC being HMAC-SHA256 under a key derived from the API key
 * that unlocked it. Nothing is stored server-side, so any node configured with the same keys
 * accepts it (the Redis mode included); the cookie holds neither the key nor a plain digest of it,
 * nor which of the keys it was. Removing a key from the configuration ends its sessions; a session
 * otherwise lasts {@link #TTL} (the lock button only clears the browser's copy).
 */
public final class PageSessions {

    public static final String COOKIE = "pixelwise-session";
    static final Duration TTL = Duration.ofHours(12);
    private static final String VERSION = "v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec[] macKeys;
    private final SecureRandom random = new SecureRandom();

    /** {@code keys} in the order {@link ApiKeyFilter} numbers them. */
    PageSessions(List<String> keys) {
        // A key of its own per API key and purpose: the MAC is never a MAC under the API key itself.
        this.macKeys = keys.stream()
                .map(k -> new SecretKeySpec(hmac(new SecretKeySpec(k.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                        "pixelwise page session"), "HmacSHA256"))
                .toArray(SecretKeySpec[]::new);
    }

    /** A new cookie value for the key numbered {@code key}, valid until {@code nowSeconds + TTL}. */
    String issue(int key, long nowSeconds) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String payload = VERSION + "." + (nowSeconds + TTL.toSeconds()) + "." + B64.encodeToString(nonce);
        return payload + "." + B64.encodeToString(hmac(macKeys[key], payload));
    }

    /**
     * The number of the key that signed {@code cookie}, or -1 when it is absent, malformed, expired
     * or signed by no configured key. Every key's MAC is compared, in constant time.
     */
    int verify(String cookie, long nowSeconds) {
        if (cookie == null || cookie.length() > 200) {
            return -1;
        }
        int lastDot = cookie.lastIndexOf('.');
        String[] parts = cookie.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || lastDot < 0) {
            return -1;
        }
        long expiry;
        byte[] mac;
        try {
            expiry = Long.parseLong(parts[1]);
            mac = Base64.getUrlDecoder().decode(parts[3]);
        } catch (IllegalArgumentException malformed) {
            return -1;
        }
        if (expiry <= nowSeconds) {
            return -1;
        }
        String payload = cookie.substring(0, lastDot);
        int found = -1;
        for (int i = 0; i < macKeys.length; i++) {
            if (MessageDigest.isEqual(hmac(macKeys[i], payload), mac)) {
                found = i;
            }
        }
        return found;
    }

    private static byte[] hmac(SecretKeySpec key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
