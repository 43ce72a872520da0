package dev.pixelwise.quantize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Picks the answer a user came for: the smallest file, of every format tried, that meets the quality bar. */
final class Recommender {

    private Recommender() {
    }

    private record Candidate(String format, Integer k, Integer quality, long bytes, String file, Double psnr,
                             double ssim, double deltaE) {
    }

    static QuantizeResult.Recommendation recommend(QualityBar bar, List<QuantizeResult.Variant> variants,
                                                   List<QuantizeResult.FormatVariant> originalFormats) {
        List<Candidate> all = new ArrayList<>();
        for (QuantizeResult.Variant v : variants) {
            all.add(new Candidate("png", v.k(), null, v.bytes(), v.file(), v.psnr(), v.ssim(), v.deltaE()));
            for (QuantizeResult.FormatVariant f : v.formats()) {
                all.add(of(f, f.format().equals("webp-lossless") ? v.k() : null));
            }
        }
        for (QuantizeResult.FormatVariant f : originalFormats) {
            all.add(of(f, null));
        }
        if (all.isEmpty()) {
            return null;
        }
        List<Candidate> meeting = all.stream().filter(c -> bar.meets(c.psnr(), c.ssim(), c.deltaE())).toList();
        if (!meeting.isEmpty()) {
            Candidate best = meeting.stream().min(Comparator.comparingLong(Candidate::bytes)).orElseThrow();
            String reason = String.format(Locale.ROOT, "the smallest of the %d files that meet %s (of %d tried)",
                    meeting.size(), bar.label(), all.size());
            return new QuantizeResult.Recommendation(best.format(), best.k(), best.quality(), best.bytes(),
                    best.file(), reason, true);
        }
        Candidate closest = all.stream().min(Comparator.comparingDouble(c -> shortfall(bar, c))).orElseThrow();
        String reason = String.format(Locale.ROOT, "none of the %d files meets %s; this one comes closest", all.size(),
                bar.label());
        return new QuantizeResult.Recommendation(closest.format(), closest.k(), closest.quality(), closest.bytes(),
                closest.file(), reason, false);
    }

    private static Candidate of(QuantizeResult.FormatVariant f, Integer k) {
        return new Candidate(f.format(), k, f.quality(), f.bytes(), f.file(), f.psnr(), f.ssim(), f.deltaE());
    }

    /** How far a candidate falls short of the bar, in the bar's own units. */
    private static double shortfall(QualityBar bar, Candidate c) {
        return switch (bar.metric()) {
            case "deltaE" -> c.deltaE() - bar.value();
            case "ssim" -> bar.value() - c.ssim();
            default -> c.psnr() == null ? 0 : bar.value() - c.psnr();
        };
    }
}
