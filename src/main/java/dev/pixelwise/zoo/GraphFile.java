package dev.pixelwise.zoo;

import dev.pixelwise.imaging.AtomicFiles;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * What every imported SameDiff graph shares: the cache file (a small header — magic, format
 * version, {@link Properties} text — followed by SameDiff's FlatBuffers without training state)
 * and the release of ND4J's off-heap memory, which the JVM does not count. {@link GraphRunner} runs them.
 */
public final class GraphFile {

    /** A graph read back with the header its importer wrote. */
    public record Contents(Properties header, SameDiff graph) {
    }

    private GraphFile() {
    }

    /** Writes atomically (temporary file in the same folder, then a rename). */
    public static void save(Path file, String magic, int version, Properties header, SameDiff sd) throws IOException {
        AtomicFiles.replace(file, tmp -> {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (ByteBuffer part : new ByteBuffer[]{ByteBuffer.wrap(header(magic, version, header)), sd.asFlatBuffers(false)}) {
                    while (part.hasRemaining()) {
                        channel.write(part);
                    }
                }
                channel.force(true);
            }
        });
    }

    /** Reads a file written by {@link #save}; {@link IOException} if it is not one, or has another format version. */
    public static Contents load(Path file, String magic, int version) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteArrayInputStream bytes = new ByteArrayInputStream(all);
        DataInputStream in = new DataInputStream(bytes);
        Properties p = new Properties();
        try {
            if (!magic.equals(in.readUTF())) {
                throw new IOException(file + " is not a " + magic + " file");
            }
            int found = in.readInt();
            if (found != version) {
                throw new IOException(file + " has graph format " + found + ", expected " + version);
            }
            p.load(new StringReader(in.readUTF()));
        } catch (EOFException | UTFDataFormatException e) {
            throw new IOException(file + " is not a " + magic + " file", e);
        }
        int headerLength = all.length - bytes.available();
        try {
            return new Contents(p, SameDiff.fromFlatBuffers(ByteBuffer.wrap(all, headerLength, all.length - headerLength).slice(), false));
        } catch (RuntimeException e) {
            throw new IOException(file + " holds an unreadable SameDiff graph: " + e, e);
        }
    }

    /** Frees every session's cached arrays and the graph's constant arrays; the graph is unusable afterwards. */
    public static void closeAll(SameDiff sd) {
        for (InferenceSession s : sd.getSessions().values()) {
            closeSession(s);
        }
        sd.getSessions().clear();
        for (var v : sd.variables()) {
            if (v.isConstant() && v.getArr() != null && v.getArr().closeable()) {
                v.getArr().close();
            }
        }
    }

    private static void closeSession(InferenceSession session) {
        if (session != null && session.getMmgr() != null) {
            session.getMmgr().close();
        }
    }

    private static byte[] header(String magic, int version, Properties p) throws IOException {
        StringWriter text = new StringWriter();
        p.store(text, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        data.writeUTF(magic);
        data.writeInt(version);
        data.writeUTF(text.toString());
        data.flush();
        return bytes.toByteArray();
    }
}
