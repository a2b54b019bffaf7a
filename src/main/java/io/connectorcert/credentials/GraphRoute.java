package io.connectorcert.credentials;

/** The credential and the target of one resource's Graph calls. */
public record GraphRoute(CredentialSource credential, GraphTarget target) {}
