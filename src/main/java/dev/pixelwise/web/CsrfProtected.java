package dev.pixelwise.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Every POST (any unsafe method) of a resource class so marked needs the page's CSRF token ({@link CsrfFilter}). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface CsrfProtected {
}
