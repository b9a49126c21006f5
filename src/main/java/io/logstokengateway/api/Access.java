package io.logstokengateway.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call an operation of the management listener, checked by {@link ManagementAccess} before the operation runs.
 * Every resource class carries one (a method may narrow it); an operation without one is refused to everyone.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface Access {

    Who value();

    enum Who {
        /** The operator key only; a service's account gets 403. */
        OPERATOR,
        /**
         * The operator, or the account of the service named by the {@code serviceName} path parameter; any other
         * service is answered like one that does not exist (404).
         */
        SERVICE,
        /** Any caller with valid credentials: the operator or a service's account. */
        CALLER,
        /** The console's pages: their own sign-in form and session cookie, checked by the console. */
        CONSOLE
    }
}
