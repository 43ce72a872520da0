package dev.pixelwise.web;

import dev.pixelwise.api.ApiKeyFilter;
import dev.pixelwise.work.CurrentRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/** What the layout shows of the page lock ({@code inject:pageLock}): the lock button while unlocked. */
@Named("pageLock")
@ApplicationScoped
public class PageLock {

    private final ApiKeyFilter keys;

    public PageLock(ApiKeyFilter keys) {
        this.keys = keys;
    }

    /** True when keys are on and this request carries a valid page session. */
    public boolean unlocked() {
        RoutingContext routing = CurrentRequest.routing();
        return keys.enabled() && routing != null && routing.get(ApiKeyFilter.PAGE_KEY) != null;
    }
}
