package dev.panamax.launcher.api;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Jetty's own refusals (a request line or headers it cannot parse, headers over its size limit)
 * answered in the API's form, a JSON {@code fault_message}, instead of Jetty's HTML page, so that
 * a client always gets the one kind of error body.
 */
final class FaultErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ApiHandler.JSON);
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    private static byte[] body(int status, String message) {
        String fault = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        return Answer.fault(status, fault).json().getBytes(StandardCharsets.UTF_8);
    }
}
