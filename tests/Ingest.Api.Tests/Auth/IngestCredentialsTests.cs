using System.Text;
using CmafOrigin.Contracts.Paths;
using CmafOrigin.Ingest.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CmafOrigin.Ingest.Tests.Auth;

public sealed class IngestCredentialsTests
{
    private static readonly IngestCredentials Credentials = new(Options.Create(new IngestAuthOptions
    {
        Credentials =
        [
            new() { Prefix = "live/a/", Username = "alice", Password = "correct horse" },
            new() { Prefix = "live/b", Token = "t0ken" },
            new() { Prefix = "/", Username = "alice", Password = "other" },
            new() { Prefix = "live/c", Username = "carol", Password = "pw", Token = "carol-token" },
        ],
    }));

    [Fact]
    public void Authenticate_NoHeader_IsMissing()
    {
        Assert.Equal(IngestAuthentication.Missing, Credentials.Authenticate(StringValues.Empty, out _));
    }

    [Theory]
    [InlineData("Digest username=\"alice\"")]
    [InlineData("Basic")]
    [InlineData("Negotiate abc")]
    public void Authenticate_SchemeNotOffered_IsMissing(string header)
    {
        Assert.Equal(IngestAuthentication.Missing, Credentials.Authenticate(header, out _));
    }

    [Theory]
    [InlineData("Basic ***")]
    [InlineData("Basic YWxpY2U=")] // "alice", no colon
    [InlineData("Bearer a b")]
    public void Authenticate_Unreadable_IsMalformed(string header)
    {
        Assert.Equal(IngestAuthentication.Malformed, Credentials.Authenticate(header, out _));
    }

    [Fact]
    public void Authenticate_TwoAuthorizationHeaders_IsMalformed()
    {
        Assert.Equal(IngestAuthentication.Malformed, Credentials.Authenticate(new StringValues(["Bearer t0ken", "Bearer t0ken"]), out _));
    }

    [Fact]
    public void Authenticate_BasicMatchingOneCredential_GrantsItsPrefix()
    {
        Assert.Equal(IngestAuthentication.Accepted, Credentials.Authenticate(Basic("alice", "correct horse"), out var grants));
        Assert.Equal([PathPrefix.Parse("live/a")], grants);
    }

    [Fact]
    public void Authenticate_SameUserAnotherPassword_GrantsThatCredentialsPrefix()
    {
        Assert.Equal(IngestAuthentication.Accepted, Credentials.Authenticate(Basic("alice", "other"), out var grants));
        Assert.Equal([PathPrefix.Everything], grants);
    }

    [Theory]
    [InlineData("alice", "correct horse ")]
    [InlineData("alice", "Correct horse")]
    [InlineData("Alice", "correct horse")]
    [InlineData("bob", "correct horse")]
    [InlineData("alice:correct", "horse")]
    public void Authenticate_AnyDifference_IsRejected(string user, string password)
    {
        Assert.Equal(IngestAuthentication.Rejected, Credentials.Authenticate(Basic(user, password), out var grants));
        Assert.Empty(grants);
    }

    [Fact]
    public void Authenticate_Bearer_MatchesTokensOnly()
    {
        Assert.Equal(IngestAuthentication.Accepted, Credentials.Authenticate("Bearer t0ken", out var grants));
        Assert.Equal([PathPrefix.Parse("live/b")], grants);
        // A Basic password is no Bearer token, and the other way round.
        Assert.Equal(IngestAuthentication.Rejected, Credentials.Authenticate("Bearer pw", out _));
        Assert.Equal(IngestAuthentication.Rejected, Credentials.Authenticate(Basic("carol", "carol-token"), out _));
    }

    [Fact]
    public void Authenticate_SchemeIsCaseInsensitive()
    {
        Assert.Equal(IngestAuthentication.Accepted, Credentials.Authenticate("bearer carol-token", out _));
        Assert.Equal(IngestAuthentication.Accepted, Credentials.Authenticate("BASIC " + Convert.ToBase64String("carol:pw"u8), out _));
    }

    [Fact]
    public void AllowsAnyone_OnlyWithNoCredentials()
    {
        Assert.False(Credentials.AllowsAnyone);
        Assert.True(new IngestCredentials(Options.Create(new IngestAuthOptions())).AllowsAnyone);
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
}
