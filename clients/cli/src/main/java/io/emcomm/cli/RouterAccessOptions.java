package io.emcomm.cli;

import io.emcomm.client.ClientOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How a command reaches the router securely: TLS ({@code --tls-ca --tls-cert --tls-key
 * --tls-no-verify-hostname}) and the terminal's token ({@code --credential}), each with an environment
 * fallback so that secrets and paths need not be typed on every line (docs/security.md). A picocli mixin shared
 * by every command that connects to a router (send, listen, replay, simulate, and the console's in its own jar).
 */
public final class RouterAccessOptions implements UnaryOperator<ClientOptions.Builder>
{
    static final String ENV_TLS_CA = "EMCOMM_CLIENT_TLS_CA";
    static final String ENV_TLS_CERT = "EMCOMM_CLIENT_TLS_CERT";
    static final String ENV_TLS_KEY = "EMCOMM_CLIENT_TLS_KEY";
    static final String ENV_TLS_VERIFY_HOSTNAME = "EMCOMM_CLIENT_TLS_VERIFY_HOSTNAME";
    static final String ENV_CREDENTIAL = "EMCOMM_CREDENTIAL";

    @Option(names = "--tls-ca", paramLabel = "FILE",
        description = "Connect with TLS 1.3, trusting the CA certificate(s) in FILE (PEM) to have signed the router's (or env EMCOMM_CLIENT_TLS_CA).")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "Client certificate chain (PEM; CN = the terminal id) for a router with emcomm.auth.mode=mtls (or env EMCOMM_CLIENT_TLS_CERT).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
        description = "Private key of --tls-cert, PEM in PKCS#8 (openssl pkcs8 -topk8 -nocrypt) (or env EMCOMM_CLIENT_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--tls-no-verify-hostname",
        description = "Accept a router certificate that does not name the --router host (or env EMCOMM_CLIENT_TLS_VERIFY_HOSTNAME=false).")
    boolean noVerifyHostname;

    @Option(names = "--credential", paramLabel = "TOKEN",
        description = "The terminal's token, when the router authenticates with tokens (or env EMCOMM_CREDENTIAL).")
    String credential;

    /** Where the fallbacks come from; a test replaces it. */
    UnaryOperator<String> env = System::getenv;

    /** Adds TLS and the credential to {@code options}; the files are checked by {@link ClientOptions.Builder#build()}. */
    @Override
    public ClientOptions.Builder apply(final ClientOptions.Builder options)
    {
        final Path ca = tlsCa != null ? tlsCa : path(ENV_TLS_CA);
        final Path cert = tlsCert != null ? tlsCert : path(ENV_TLS_CERT);
        final Path key = tlsKey != null ? tlsKey : path(ENV_TLS_KEY);
        final String verify = env(ENV_TLS_VERIFY_HOSTNAME);
        return options
            .tls(ca)
            .tlsClientCertificate(cert, key)
            .tlsVerifyHostname(!noVerifyHostname && !"false".equals(verify == null ? null : verify.toLowerCase(Locale.ROOT)))
            .credential(credential != null ? credential : env(ENV_CREDENTIAL));
    }

    private Path path(final String variable)
    {
        final String value = env(variable);
        return value == null ? null : Path.of(value);
    }

    private String env(final String variable)
    {
        final String value = env.apply(variable);
        return value == null || value.isBlank() ? null : value;
    }
}
