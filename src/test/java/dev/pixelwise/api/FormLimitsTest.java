package dev.pixelwise.api;

import dev.pixelwise.problem.AppException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.ErrorDataDecoderException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooManyFormFieldsException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FormLimitsTest {

    private final FormLimits limits = new FormLimits(128, 4096, 2048);

    @Test
    void aBoundaryIsRequiredQuotedOrNot() {
        assertNull(limits.checkContentType("multipart/form-data; boundary=abc"));
        assertNull(limits.checkContentType("multipart/form-data; charset=utf-8; BOUNDARY=\"a b c\""));
        assertEquals(400, limits.checkContentType("multipart/form-data").status());
        assertEquals(400, limits.checkContentType("multipart/form-data; boundary=\"\"").status());
        assertEquals(400, limits.checkContentType("multipart/form-data; boundary=" + "b".repeat(71)).status());
    }

    @Test
    void decoderFailuresNameTheirLimit() {
        AppException fields = limits.problemFor(new TooManyFormFieldsException(), false);
        assertEquals(413, fields.status());
        assertTrue(fields.getMessage().contains("128"), fields.getMessage());
        AppException size = limits.problemFor(new ErrorDataDecoderException(new IOException(FormLimits.FIELD_TOO_LARGE)), true);
        assertEquals(413, size.status());
        assertTrue(size.getMessage().contains("4096"), size.getMessage());
        assertEquals(400, limits.problemFor(new ErrorDataDecoderException("bad framing"), false).status());
        assertEquals(400, limits.problemFor(new IllegalStateException("whatever the body handler saw"), true).status());
        assertNull(limits.problemFor(new IllegalStateException("a bug of ours"), false), "not a form problem");
    }
}
