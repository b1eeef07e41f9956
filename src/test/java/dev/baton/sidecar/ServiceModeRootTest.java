package dev.baton.sidecar;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** In service mode the sidecar's endpoint does not exist: nobody may mistake the service for a leader-elector. */
@QuarkusTest
class ServiceModeRootTest {

    @Test
    void rootIsNotFound() {
        given().get("/").then().statusCode(404);
    }
}
