package dev.pixelwise.imaging;

import org.w3c.dom.Node;

import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** The embedded ICC profile of a PNG (iCCP chunk), when it describes something other than sRGB. */
final class PngIcc {

    /** Profiles are small; refuse to inflate anything larger (a bomb hidden in metadata). */
    private static final int MAX_PROFILE_BYTES = 4 << 20;

    private PngIcc() {
    }

    static ICC_Profile profile(IIOMetadata metadata) {
        if (metadata == null) {
            return null;
        }
        Node root = metadata.getAsTree("javax_imageio_png_1.0");
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if ("iCCP".equals(n.getNodeName()) && n instanceof IIOMetadataNode node
                    && node.getUserObject() instanceof byte[] compressed) {
                String name = node.getAttribute("profileName");
                if (name != null && name.toLowerCase(Locale.ROOT).contains("srgb")) {
                    return null; // already what we convert to
                }
                try {
                    ICC_Profile profile = ICC_Profile.getInstance(inflate(compressed));
                    return profile.getColorSpaceType() == ColorSpace.TYPE_RGB ? profile : null;
                } catch (IllegalArgumentException | DataFormatException e) {
                    return null; // a broken profile must not fail the image; sRGB is the sane default
                }
            }
        }
        return null;
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
