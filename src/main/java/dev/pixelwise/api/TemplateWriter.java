package dev.pixelwise.api;

import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Writes a resource's {@link TemplateInstance} as the page it renders. This is the one thing we
 * used {@code quarkus-rest-qute} for; the registry we build from does not serve that extension for
 * the Quarkus 3.36 platform (docs/dependency-audit.md), so plain Qute plus this writer stand in.
 */
@Provider
@Produces(MediaType.WILDCARD)
public class TemplateWriter implements MessageBodyWriter<TemplateInstance> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return TemplateInstance.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(TemplateInstance page, Class<?> type, Type genericType, Annotation[] annotations,
                        MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out)
            throws IOException {
        out.write(page.render().getBytes(StandardCharsets.UTF_8));
    }
}
