package io.logstokengateway.registry;

/** A token with its value opened, for its owner. */
public record TokenView(TokenRecord token, String value) {

    @Override
    public String toString() {
        return "TokenView[" + token.tokenId() + "]";
    }
}
