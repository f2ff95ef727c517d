using System.Net;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Tests.WelfareMap;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FukushiMap.Server.Tests.Security;

/// <summary>HTTPS and cookie settings. (No traffic leaves the machine: the remote addresses are only set on a context.)</summary>
[Collection(WelfareCollection.Name)]
public sealed class TransportTests(WelfareFixture fixture)
{
    [Theory]
    [InlineData("http", "127.0.0.1", true)]      // local development
    [InlineData("http", "::1", true)]
    [InlineData("http", "192.0.2.10", false)]    // a remote client over plain http: refused
    [InlineData("https", "192.0.2.10", true)]
    public void SignInOverPlainHttpIsAcceptedFromLoopbackOnly(string scheme, string remote, bool accepted)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.IsHttps = scheme == "https";
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);

        Assert.Equal(accepted, WelfareAuth.IsTransportAcceptable(context, new WelfareAuthOptions()));
    }

    [Fact]
    public void TheSessionCookieIsSecureOverHttpsHttpOnlyStrictAndShortLived()
    {
        var options = fixture.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var welfare = fixture.Services.GetRequiredService<IOptions<WelfareAuthOptions>>().Value;

        Assert.Equal(CookieSecurePolicy.SameAsRequest, options.Cookie.SecurePolicy);
        Assert.True(options.Cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, options.Cookie.SameSite);
        Assert.True(options.SlidingExpiration);
        Assert.Equal(TimeSpan.FromMinutes(welfare.IdleTimeoutMinutes), options.ExpireTimeSpan);
        var https = new DefaultHttpContext();
        https.Request.IsHttps = true;
        Assert.True(options.Cookie.Build(https).Secure);
    }
}
