package dev.pixelwise.imaging;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** The embedded ICC profile of a PNG (iCCP chunk), when it describes something other than sRGB. */
final class PngIcc {

    /** Profiles are small; refuse to inflate anything larger (a bomb hidden in metadata). */
    private static final int MAX_PROFILE_BYTES = 4 << 20;

    private PngIcc() {
    }

    /**
     * @param iccp the iCCP chunk's data: profile name, NUL, compression method, zlib-compressed profile
     * @return the profile, or null for none, sRGB, non-RGB or broken profiles
     */
    static ICC_Profile profile(byte[] iccp) {
        if (iccp == null) {
            return null;
        }
        int nul = 0;
        while (nul < iccp.length && nul < 80 && iccp[nul] != 0) {
            nul++;
        }
        if (nul >= iccp.length - 1 || iccp[nul] != 0 || iccp[nul + 1] != 0) {
            return null; // no terminator, or a compression method other than deflate
        }
        String name = new String(iccp, 0, nul, StandardCharsets.ISO_8859_1);
        if (name.toLowerCase(Locale.ROOT).contains("srgb")) {
            return null; // already what we convert to
        }
        try {
            ICC_Profile profile = ICC_Profile.getInstance(inflate(Arrays.copyOfRange(iccp, nul + 2, iccp.length)));
            return profile.getColorSpaceType() == ColorSpace.TYPE_RGB ? profile : null;
        } catch (IllegalArgumentException | DataFormatException e) {
            return null; // a broken profile must not fail the image; sRGB is the sane default
        }
    }

    /**
     * What the profile calls itself (its description tag), else the chunk's own profile name; null
     * without an iCCP chunk. Unlike {@link #profile}, also for sRGB and broken profiles: it only names.
     */
    static String name(byte[] iccp) {
        if (iccp == null) {
            return null;
        }
        int nul = 0;
        while (nul < iccp.length && nul < 80 && iccp[nul] != 0) {
            nul++;
        }
        String chunkName = new String(iccp, 0, nul, StandardCharsets.ISO_8859_1).strip();
        String described = null;
        if (nul < iccp.length - 1 && iccp[nul + 1] == 0) {
            try {
                described = IccNames.describe(inflate(Arrays.copyOfRange(iccp, nul + 2, iccp.length)));
            } catch (DataFormatException e) {
                described = null;
            }
        }
        return described != null ? described : chunkName.isEmpty() ? null : chunkName;
    }

    private static byte[] inflate(byte[] compressed) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_PROFILE_BYTES) {
                    throw new DataFormatException("ICC profile too large");
                }
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
