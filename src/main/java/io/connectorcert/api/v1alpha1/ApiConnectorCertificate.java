package io.connectorcert.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Keeps one Graph API connector's client certificate in step with a Secret. */
@Group(ApiConnectorCertificate.GROUP)
@Version(ApiConnectorCertificate.VERSION)
@Kind("ApiConnectorCertificate")
@Plural("apiconnectorcertificates")
@ShortNames("acc")
@AdditionalPrinterColumn(name = "Connector", jsonPath = ".spec.connectorId", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Active", jsonPath = ".status.activeThumbprint", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".status.secretCertificate.notAfter",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ApiConnectorCertificate extends CustomResource<ApiConnectorCertificateSpec, ApiConnectorCertificateStatus>
    implements Namespaced {

  public static final String GROUP = "connectorcert.io";
  public static final String VERSION = "v1alpha1";
}
