package io.logstokengateway.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.logstokengateway.scope.IndexExpression.All;
import io.logstokengateway.scope.IndexExpression.DateMath;
import io.logstokengateway.scope.IndexExpression.Exclusion;
import io.logstokengateway.scope.IndexExpression.Name;
import io.logstokengateway.scope.IndexExpression.Wildcard;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IndexExpressionTest {

    @Test
    void aCommaListKeepsEveryKindOfItemInOrder() {
        IndexExpression expression = IndexExpression.parse("logs-a,logs-*,_all,-logs-b*,<logs-{now/d}>");

        assertEquals(List.of(new Name("logs-a"), new Wildcard("logs-*"), new All(),
                new Exclusion(new Wildcard("logs-b*")), new DateMath("<logs-{now/d}>", "logs-*")), expression.items());
    }

    @Test
    void dateMathPlaceholdersWithFormatAndZoneBecomeOneWildcardEach() {
        DateMath item = (DateMath) IndexExpression.parse("<logs-i-{now/d{yyyy.MM.dd|+12:00}}-x-{now/M}>").items().get(0);

        assertEquals("logs-i-*-x-*", item.glob());
        assertEquals("<logs-i-{now/d{yyyy.MM.dd|+12:00}}-x-{now/M}>", item.text());
    }

    @Test
    void dateMathWithoutPlaceholderIsItsStaticName() {
        assertEquals(new DateMath("<logs-a>", "logs-a"), IndexExpression.parse("<logs-a>").items().get(0));
    }

    @Test
    void anExcludedDateMathKeepsItsText() {
        assertEquals("-<logs-{now/d}>", IndexExpression.parse("logs-*,-<logs-{now/d}>").items().get(1).text());
    }

    @Test
    void aRawPathSegmentIsDecodedStrictlyBeforeParsing() {
        assertEquals(new DateMath("<logs-{now/d}>", "logs-*"),
                IndexExpression.fromPathSegment("%3Clogs-%7Bnow%2Fd%7D%3E").items().get(0));
        assertEquals(List.of(new Name("a"), new Name("b")), IndexExpression.fromPathSegment("a%2Cb").items());
    }

    @ParameterizedTest
    @ValueSource(strings = {"%zz", "a%2", "a%", "a+b", "a%00", "%C0%AF", "a#b", "a b", "a?b"})
    void aBadlyEncodedSegmentIsRefused(String raw) {
        assertThrows(ScopeRefusal.class, () -> IndexExpression.fromPathSegment(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "a,", ",a", "a,,b", "cluster:index", "*:*", "a::failures", "-_all", "_x", "+a",
        ".", "..", "a b", "a\tb", "a?b", "a\\b", "a/b", "a\"b", "a<b", "a>b", "a|b", "a#b", "a{b}", "-",
        "--a", "-+a", "a,-_all", "<", "<>", "<a", "a>", "<a{now}", "<a{now/d}>>", "<a}>", "<a{}>",
        "<a{now{yyyy{x}}}>", "<a{now b}>", "<a{now*}>", "<a\\{x}>", "<a*{now}>", "<-a{now}>",
        "<_a{now}>", "<a:b{now}>", "<a/b{now}>", "<a{now,d}>", "a\u0000"})
    void whatTheGatewayCannotReasonAboutIsRefused(String text) {
        assertThrows(ScopeRefusal.class, () -> IndexExpression.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "cluster:logs;remote cluster", "logs-a,logs b;invalid character", "a,,b;empty item", "_a;invalid index name"})
    void refusalsSayWhatWasRefused(String text, String reason) {
        ScopeRefusal refusal = assertThrows(ScopeRefusal.class, () -> IndexExpression.parse(text));
        assertTrue(refusal.getMessage().contains(reason), refusal.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"logs-a", "logs-*", "*", "**", "*-a-*", ".kibana", "logs-é", "a.b_c-d",
        "<logs-{now/d}>", "<logs-{now/d-1d}>", "<logs-{now{yyyy.MM}}>", "<logs-{now/d{yyyy.MM.dd|Europe/Paris}}>"})
    void validExpressionsRoundTripThroughTheirItems(String text) {
        IndexExpression expression = IndexExpression.parse(text);

        assertEquals(text, String.join(",", expression.items().stream().map(IndexExpression.Item::text).toList()));
    }

    @Test
    void encodingAnIndexListEscapesEverythingButNameCharactersStarsAndCommas() {
        assertEquals("logs-a*,%3Clogs-%7Bnow%2Fd%7Byyyy%7C%2B12%3A00%7D%7D%3E,caf%C3%A9",
                PercentEncoding.encodeIndexList(List.of("logs-a*", "<logs-{now/d{yyyy|+12:00}}>", "café")));
    }

    @Test
    void aQueryComponentReadsPlusAsSpace() {
        assertEquals("a b c", PercentEncoding.decodeQueryComponent("a+b%20c"));
    }
}
