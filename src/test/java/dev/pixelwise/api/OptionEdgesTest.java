package dev.pixelwise.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every option of every task, as {@code GET /api/v1/tasks} lists it, with values at and past its
 * edges: each value outside the option's range, non-finite, huge, not a number or empty is a 400
 * problem naming the field; each value inside the range gets past option checking.
 *
 * <p>The upload is a text file, so an accepted option shows as the 415 for the file (options are
 * checked first, and no job runs); a refused one shows as a 400.
 */
@QuarkusTest
class OptionEdgesTest {

    static final int OPTION_ACCEPTED = 415;

    static final File NOT_AN_IMAGE = notAnImage();

    static File notAnImage() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "option-edges-test"));
            return Files.writeString(dir.resolve("notes.png"), "options come first", StandardCharsets.UTF_8).toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response send(String task, String field, String value) {
        return given().multiPart("image", NOT_AN_IMAGE, "image/png").multiPart(field, value)
                .when().post("/api/v1/" + task);
    }

    /** Null when the response is a 400 problem naming {@code field}; otherwise what it was. */
    static String badOptionProblem(Response r, String field) {
        String type = r.contentType();
        if (r.statusCode() == 400 && type != null && type.startsWith("application/problem+json")
                && field.equals(r.path("field")) && r.path("detail") != null) {
            return null;
        }
        return r.statusCode() + " " + r.asString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOptionRefusesValuesPastItsEdgesAndTakesValuesWithin() {
        Map<String, Map<String, Object>> tasks = given().get("/api/v1/tasks").then().statusCode(200).extract().as(Map.class);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> task : tasks.entrySet()) {
            if (task.getKey().startsWith("test-")) {
                continue; // test-only tasks
            }
            for (Map<String, Object> option : (List<Map<String, Object>>) task.getValue().get("options")) {
                String name = (String) option.get("name");
                for (Case c : casesFor(option)) {
                    Response r = send(task.getKey(), name, c.value());
                    checked++;
                    String where = task.getKey() + "." + name + "='" + c.value() + "'";
                    if (c.refused()) {
                        String problem = badOptionProblem(r, name);
                        if (problem != null) {
                            failures.add(where + " should be a 400 naming the field, was " + problem);
                        }
                    } else if (r.statusCode() != OPTION_ACCEPTED) {
                        failures.add(where + " is in range and should pass option checks, was " + r.statusCode() + " " + r.asString());
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "option edges: %d values checked%n", checked);
        assertTrue(checked > 200, "checked " + checked);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
    }

    /** A value to send and whether it must be refused. */
    record Case(String value, boolean refused) {
    }

    @SuppressWarnings("unchecked")
    static List<Case> casesFor(Map<String, Object> option) {
        List<Case> cases = new ArrayList<>();
        String kind = (String) option.get("kind");
        // Never a usable value, whatever the option: empty, blank, words, non-finite numbers.
        for (String v : List.of("", "   ", "abc", "NaN", "Infinity", "-Infinity", "\u0000", "1e308 junk")) {
            cases.add(new Case(v, true));
        }
        switch (kind) {
            case "INTEGER", "DECIMAL" -> {
                boolean integer = kind.equals("INTEGER");
                BigDecimal min = new BigDecimal(option.get("min").toString());
                BigDecimal max = new BigDecimal(option.get("max").toString());
                BigDecimal step = integer ? BigDecimal.ONE : new BigDecimal("0.001");
                for (String v : List.of("1e308", "-1e308", "1e309", "99999999999999999999", "-99999999999999999999",
                        "12abc", "1,5", "0x10", "--1", "4.9e-324garbage")) {
                    cases.add(new Case(v, true));
                }
                cases.add(new Case(plain(min.subtract(step)), true));
                cases.add(new Case(plain(max.add(step)), true));
                cases.add(new Case(plain(min.subtract(BigDecimal.valueOf(1_000_000))), true));
                cases.add(new Case(plain(max.add(BigDecimal.valueOf(1_000_000_000_000L))), true));
                cases.add(new Case(plain(min), false));
                cases.add(new Case(plain(max), false));
                cases.add(new Case(" " + plain(min) + " ", false)); // surrounding spaces are trimmed
                // 0 and negatives are refused only when the range says so.
                for (BigDecimal v : List.of(BigDecimal.ZERO, BigDecimal.ONE.negate())) {
                    cases.add(new Case(plain(v), v.compareTo(min) < 0 || v.compareTo(max) > 0));
                }
                if (integer) {
                    cases.add(new Case(plain(min) + ".5", true)); // not a whole number
                } else {
                    cases.add(new Case(plain(min.add(max).divide(BigDecimal.valueOf(2))), false));
                }
                if (option.get("defaultValue") != null) {
                    cases.add(new Case(option.get("defaultValue").toString(), false));
                }
            }
            case "CHOICE" -> {
                for (String choice : (List<String>) option.get("choices")) {
                    cases.add(new Case(choice, false));
                    cases.add(new Case(choice + "x", true));
                }
            }
            case "BOOLEAN" -> {
                for (String v : List.of("true", "false", "on", "1", "no")) {
                    cases.add(new Case(v, false));
                }
                cases.add(new Case("2", true));
                cases.add(new Case("yes please", true));
            }
            default -> { } // TEXT: its own format; the values above still never fit
        }
        return cases;
    }

    static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    @Test
    void theSyncTimeoutFieldHasTheSameEdges() {
        for (String v : List.of("", " ", "-1", "601", "1e308", "NaN", "Infinity", "99999999999999999999", "abc", "1.5")) {
            String problem = badOptionProblem(send("inspect", "timeout", v), "timeout");
            assertTrue(problem == null, "timeout='" + v + "': " + problem);
        }
        for (String v : List.of("0", "600", " 30 ")) {
            Response r = send("inspect", "timeout", v);
            assertTrue(r.statusCode() == OPTION_ACCEPTED, "timeout='" + v + "': " + r.statusCode() + " " + r.asString());
        }
    }
}
