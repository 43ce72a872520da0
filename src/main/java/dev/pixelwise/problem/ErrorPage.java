package dev.pixelwise.problem;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** A problem as a page a person can read, for errors on page routes. */
public final class ErrorPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(Problem problem);
    }

    private ErrorPage() {
    }

    public static String render(Problem problem) {
        return Templates.error(problem).render();
    }
}
