package io.logstokengateway.console;

import io.logstokengateway.registry.ServiceRecord;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Renders the console's pages (Qute, HTML-escaped by default) to strings. */
@ApplicationScoped
class ConsolePages {

    private final Template login;
    private final Template services;
    private final Template service;
    private final Template confirmDelete;
    private final Template error;

    ConsolePages(@Location("console/login.html") Template login, @Location("console/services.html") Template services,
                 @Location("console/service.html") Template service, @Location("console/confirm-delete.html") Template confirmDelete,
                 @Location("console/error.html") Template error) {
        this.login = login;
        this.services = services;
        this.service = service;
        this.confirmDelete = confirmDelete;
        this.error = error;
    }

    String login(String nonce, String message, boolean operatorOpen) {
        return login.data("csrf", nonce).data("error", message).data("operatorOpen", operatorOpen).data("session", null).render();
    }

    String services(ConsoleSession session, List<ServiceRecord> all) {
        return signedIn(services, session).data("services", all.stream().map(ConsoleViews.ServiceView::of).toList()).render();
    }

    String service(ConsoleSession session, ConsoleViews.ServicePage page) {
        return signedIn(service, session).data("page", page).render();
    }

    String confirmDelete(ConsoleSession session, ConsoleViews.ServiceView owner, ConsoleViews.TokenRow token) {
        return signedIn(confirmDelete, session).data("service", owner).data("token", token).render();
    }

    String error(ConsoleSession session, String title, String message) {
        TemplateInstance page = session == null
                ? error.data("session", null).data("csrf", null).data("signedInAs", null).data("operator", false)
                : signedIn(error, session);
        return page.data("title", title).data("message", message).render();
    }

    private static TemplateInstance signedIn(Template template, ConsoleSession session) {
        return template.data("session", true)
                .data("csrf", session.csrfToken())
                .data("operator", session.caller().operator())
                .data("signedInAs", session.caller().operator() ? "operator" : session.caller().serviceName());
    }
}
