using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CmafOrigin.TestSupport;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, made in the test and written as PEM files, so Delivery can be
/// given an HTTPS endpoint through Kestrel's standard configuration (<see cref="HttpsEndpointSettings"/>).
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _directory;

    private TestCertificate(X509Certificate2 certificate, string directory)
    {
        Certificate = certificate;
        _directory = directory;
        CertificatePath = Path.Combine(directory, "delivery.crt");
        KeyPath = Path.Combine(directory, "delivery.key");
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>base64 of the SHA-256 of the public key info: what Chromium's <c>--ignore-certificate-errors-spki-list</c> takes.</summary>
    public string SpkiHash => Convert.ToBase64String(SHA256.HashData(Certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public static TestCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=CmafOrigin test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var directory = Directory.CreateTempSubdirectory("cmaforigin-tls-").FullName;
        var created = new TestCertificate(certificate, directory);
        File.WriteAllText(created.CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(created.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return created;
    }

    /// <summary>Kestrel's standard configuration of an HTTPS endpoint on <paramref name="port"/> with this certificate.</summary>
    public IReadOnlyDictionary<string, string?> HttpsEndpointSettings(int port) => new Dictionary<string, string?>
    {
        ["Kestrel:Endpoints:Https:Url"] = $"https://127.0.0.1:{port}",
        ["Kestrel:Endpoints:Https:Certificate:Path"] = CertificatePath,
        ["Kestrel:Endpoints:Https:Certificate:KeyPath"] = KeyPath,
    };

    /// <summary>A client that trusts this certificate only and speaks exactly <paramref name="version"/> (no fallback).</summary>
    public HttpClient CreateClient(Uri baseAddress, Version version)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData),
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
