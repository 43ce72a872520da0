package dev.pixelwise;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A JPEG carrying what a phone photo gives away: an EXIF APP1 segment with camera make, a
 * description, the time taken and a GPS IFD with latitude and longitude, plus an XMP APP1
 * segment repeating the position. Every text value holds {@link #MARKER}, so any byte of it that
 * survives into an output can be found.
 */
public final class GeotaggedJpeg {

    public static final String MARKER = "PIXELWISE-PRIVATE";
    public static final String XMP_NAMESPACE = "http://ns.adobe.com/xap/1.0/";

    static final int TAG_MAKE = 0x010F;
    static final int TAG_DESCRIPTION = 0x010E;
    static final int TAG_ORIENTATION = 0x0112;
    static final int TAG_EXIF_IFD = 0x8769;
    static final int TAG_GPS_IFD = 0x8825;
    static final int TAG_DATE_TAKEN = 0x9003;
    public static final int TAG_GPS_LATITUDE = 0x0002;

    private GeotaggedJpeg() {
    }

    /** {@code jpeg} with EXIF (including a GPS IFD) and XMP inserted right after its SOI marker. */
    public static byte[] of(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        segment(out, 0xE1, concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), tiff()));
        segment(out, 0xE1, concat((XMP_NAMESPACE + "\0").getBytes(StandardCharsets.US_ASCII), xmp()));
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The EXIF payload: a big-endian TIFF structure, IFD0 → Exif IFD and GPS IFD. */
    public static byte[] tiff() {
        Ifd ifd0 = new Ifd();
        ifd0.ascii(TAG_DESCRIPTION, "Holiday photo " + MARKER);
        ifd0.ascii(TAG_MAKE, "PhoneMaker " + MARKER);
        ifd0.shorts(TAG_ORIENTATION, 1);
        Ifd exif = new Ifd();
        exif.ascii(TAG_DATE_TAKEN, "2024:05:01 12:34:56");
        Ifd gps = new Ifd();
        gps.bytes(0x0000, 2, 3, 0, 0);                   // GPSVersionID 2.3
        gps.ascii(0x0001, "N");                           // GPSLatitudeRef
        gps.rationals(TAG_GPS_LATITUDE, 52, 1, 31, 1, 1234, 100);
        gps.ascii(0x0003, "E");                           // GPSLongitudeRef
        gps.rationals(0x0004, 13, 1, 24, 1, 5678, 100);
        gps.ascii(0x001B, "ASCII\0\0\0" + MARKER);       // GPSProcessingMethod

        // Layout: header, IFD0 and its data, Exif IFD and its data, GPS IFD and its data.
        ifd0.longs(TAG_EXIF_IFD, 0);
        ifd0.longs(TAG_GPS_IFD, 0);
        int ifd0At = 8;
        int exifAt = ifd0At + ifd0.size();
        int gpsAt = exifAt + exif.size();
        ifd0.setLong(TAG_EXIF_IFD, exifAt);
        ifd0.setLong(TAG_GPS_IFD, gpsAt);

        ByteBuffer b = ByteBuffer.allocate(gpsAt + gps.size());
        b.put(new byte[]{'M', 'M', 0, 42}).putInt(ifd0At);
        ifd0.write(b, ifd0At);
        exif.write(b, exifAt);
        gps.write(b, gpsAt);
        return b.array();
    }

    static byte[] xmp() {
        String packet = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"\" xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                + "<exif:GPSLatitude>52,31.2057N</exif:GPSLatitude><exif:GPSLongitude>13,24.9463E</exif:GPSLongitude>"
                + "<dc:creator>" + MARKER + "</dc:creator>"
                + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        return packet.getBytes(StandardCharsets.UTF_8);
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        int length = payload.length + 2;
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("segment too long");
        }
        out.write(0xFF);
        out.write(marker);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(payload);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One TIFF image file directory; values over four bytes go after the entries. */
    private static final class Ifd {
        private record Entry(int tag, int type, int count, byte[] value) {
        }

        private final List<Entry> entries = new ArrayList<>();

        void ascii(int tag, String text) {
            byte[] v = (text + "\0").getBytes(StandardCharsets.US_ASCII);
            entries.add(new Entry(tag, 2, v.length, v));
        }

        void bytes(int tag, int... values) {
            byte[] v = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                v[i] = (byte) values[i];
            }
            entries.add(new Entry(tag, 1, v.length, v));
        }

        void shorts(int tag, int value) {
            entries.add(new Entry(tag, 3, 1, ByteBuffer.allocate(2).putShort((short) value).array()));
        }

        void longs(int tag, int value) {
            entries.add(new Entry(tag, 4, 1, ByteBuffer.allocate(4).putInt(value).array()));
        }

        void setLong(int tag, int value) {
            entries.replaceAll(e -> e.tag() == tag ? new Entry(tag, 4, 1, ByteBuffer.allocate(4).putInt(value).array()) : e);
        }

        /** Pairs of numerator, denominator. */
        void rationals(int tag, int... parts) {
            ByteBuffer v = ByteBuffer.allocate(parts.length * 4);
            for (int p : parts) {
                v.putInt(p);
            }
            entries.add(new Entry(tag, 5, parts.length / 2, v.array()));
        }

        /** Bytes this IFD takes with its out-of-line values. */
        int size() {
            int size = 2 + 12 * entries.size() + 4;
            for (Entry e : entries) {
                if (e.value().length > 4) {
                    size += e.value().length + (e.value().length & 1);
                }
            }
            return size;
        }

        void write(ByteBuffer b, int at) {
            entries.sort(java.util.Comparator.comparingInt(Entry::tag)); // TIFF wants ascending tags
            b.position(at);
            b.putShort((short) entries.size());
            int data = at + 2 + 12 * entries.size() + 4;
            for (Entry e : entries) {
                b.putShort((short) e.tag()).putShort((short) e.type()).putInt(e.count());
                if (e.value().length <= 4) {
                    b.put(java.util.Arrays.copyOf(e.value(), 4));
                } else {
                    b.putInt(data);
                    int here = b.position();
                    b.position(data).put(e.value());
                    data += e.value().length + (e.value().length & 1);
                    b.position(here);
                }
            }
            b.putInt(0); // no next IFD
            b.position(data);
        }
    }
}
