package dev.pixelwise.api;

import dev.pixelwise.problem.AppException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooLongFormFieldException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooManyFormFieldsException;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.util.Locale;

/**
 * The multipart framing limits ({@code quarkus.http.limits.max-form-*}) and the problems a client
 * gets for breaking them. Netty enforces them while Vert.x's body handler decodes the form, and
 * reports each as a bare exception that Quarkus would answer with its generic error page and a
 * stack trace at ERROR; these turn them into a 4xx problem that names the limit.
 */
@ApplicationScoped
public class FormLimits {

    /** What Netty says when a field's value outgrows {@code max-form-attribute-size}. */
    static final String FIELD_TOO_LARGE = "Size exceed allowed maximum capacity";
    /** What Netty says when a part's field or file name outgrows {@code max-form-attribute-size}. */
    static final String NAME_TOO_LONG = "Attribute bigger than maxSize allowed";
    /** RFC 2046: a boundary has 1 to 70 characters. */
    static final int MAX_BOUNDARY_LENGTH = 70;

    private final int maxFields;
    private final long maxFieldBytes;
    private final long maxPartHeaderBytes;

    @Inject
    public FormLimits(@ConfigProperty(name = "quarkus.http.limits.max-form-fields") int maxFields,
                      @ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size") MemorySize maxFieldBytes,
                      @ConfigProperty(name = "quarkus.http.limits.max-form-buffered-bytes") MemorySize maxPartHeaderBytes) {
        this(maxFields, maxFieldBytes.asLongValue(), maxPartHeaderBytes.asLongValue());
    }

    FormLimits(int maxFields, long maxFieldBytes, long maxPartHeaderBytes) {
        this.maxFields = maxFields;
        this.maxFieldBytes = maxFieldBytes;
        this.maxPartHeaderBytes = maxPartHeaderBytes;
    }

    /**
     * The problem for a multipart Content-Type without a usable boundary, or null when it has one.
     * Without a boundary Vert.x would not even try to read the body as multipart.
     */
    AppException checkContentType(String contentType) {
        String boundary = null;
        for (String parameter : contentType.split(";")) {
            String p = parameter.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                boundary = p.substring("boundary=".length());
                if (boundary.length() >= 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
                    boundary = boundary.substring(1, boundary.length() - 1);
                }
            }
        }
        if (boundary == null || boundary.isEmpty()) {
            return new AppException.MalformedForm("multipart/form-data needs a boundary parameter in its Content-Type");
        }
        if (boundary.length() > MAX_BOUNDARY_LENGTH) {
            return new AppException.MalformedForm("The multipart boundary is " + boundary.length()
                    + " characters long; at most " + MAX_BOUNDARY_LENGTH + " are allowed");
        }
        return null;
    }

    /**
     * The problem for a failure while decoding a multipart body, or null when it is not a form
     * problem. Vert.x's body handler fails with 400 and the decoder's cause (not the decoder
     * exception itself), so {@code badRequest} says the failure came with that status.
     */
    AppException problemFor(Throwable failure, boolean badRequest) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TooManyFormFieldsException) {
                return new AppException.FormTooLarge("The form has more than " + maxFields + " fields");
            }
            if (t instanceof TooLongFormFieldException) {
                return new AppException.MalformedForm("A part's headers (its field or file name) run past "
                        + maxPartHeaderBytes + " bytes");
            }
            if (t instanceof IllegalArgumentException && t.getMessage() != null && t.getMessage().startsWith(NAME_TOO_LONG)) {
                return new AppException.MalformedForm("A part's field or file name is longer than " + maxFieldBytes + " bytes");
            }
            if (t instanceof IOException && FIELD_TOO_LARGE.equals(t.getMessage())) {
                return new AppException.FormTooLarge("A form field is larger than " + maxFieldBytes
                        + " bytes; only the 'image' field may carry a file");
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DecoderException) {
                badRequest = true;
            }
        }
        return badRequest ? new AppException.MalformedForm("The body is not a well-formed multipart form") : null;
    }
}
