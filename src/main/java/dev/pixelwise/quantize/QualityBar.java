package dev.pixelwise.quantize;

import io.quarkus.qute.TemplateData;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What "looks right" means for a user: a bound on one quality score. The default, mean CIEDE2000
 * at most 2.3, is about one just-noticeable difference (Sharma 2003); SSIM and PSNR bars are
 * lower bounds instead.
 *
 * @param metric deltaE (lower is better), ssim or psnr (higher is better)
 */
@TemplateData
public record QualityBar(String metric, double value) {

    public static final QualityBar DEFAULT = new QualityBar("deltaE", 2.3);
    private static final Pattern SPEC = Pattern.compile("(?i)\\s*(deltaE|ssim|psnr)\\s*(<=|>=|=)?\\s*([0-9]+(?:\\.[0-9]+)?)\\s*");

    public QualityBar {
        if (!metric.equals("deltaE") && !metric.equals("ssim") && !metric.equals("psnr")) {
            throw new IllegalArgumentException("metric must be deltaE, ssim or psnr");
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("the bar must be a positive number");
        }
        if (metric.equals("ssim") && value > 1) {
            throw new IllegalArgumentException("an SSIM bar must be at most 1");
        }
    }

    /** Parses "deltaE<=2.3", "ssim>=0.95", "psnr>=38" (the comparison may be left out). */
    public static QualityBar parse(String spec) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("write it as deltaE<=2.3, ssim>=0.95 or psnr>=38");
        }
        String metric = switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "deltae" -> "deltaE";
            case "ssim" -> "ssim";
            default -> "psnr";
        };
        String op = m.group(2);
        boolean lowerIsBetter = metric.equals("deltaE");
        if (op != null && !op.equals("=") && op.equals(">=") == lowerIsBetter) {
            throw new IllegalArgumentException(lowerIsBetter ? "deltaE is a ceiling: deltaE<=" + m.group(3)
                    : metric + " is a floor: " + metric + ">=" + m.group(3));
        }
        return new QualityBar(metric, Double.parseDouble(m.group(3)));
    }

    public String spec() {
        return metric + (metric.equals("deltaE") ? "<=" : ">=") + trim(value);
    }

    /** Whether scores (psnr null = identical to the original) meet the bar. */
    public boolean meets(Double psnr, double ssim, double deltaE) {
        return switch (metric) {
            case "deltaE" -> deltaE <= value;
            case "ssim" -> ssim >= value;
            default -> psnr == null || psnr >= value;
        };
    }

    /** "ΔE ≤ 2.3" for sentences on the page. */
    public String label() {
        return switch (metric) {
            case "deltaE" -> "mean ΔE ≤ " + trim(value);
            case "ssim" -> "SSIM ≥ " + trim(value);
            default -> "PSNR ≥ " + trim(value) + " dB";
        };
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
