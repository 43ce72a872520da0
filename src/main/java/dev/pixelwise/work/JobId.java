package dev.pixelwise.work;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** 128 random bits, URL-safe base64 without padding (22 characters). */
public final class JobId {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{22}");

    private JobId() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** True only for strings that could be an id we made; anything else never reaches the file system. */
    public static boolean isWellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }
}
