namespace CmafOrigin.Delivery.Archive;

/// <summary>
/// <c>{**path:archive}</c>: matches request paths shaped like an archive request (<see cref="ArchiveTarget.HasArchiveShape"/>).
/// A constrained catch-all takes precedence over the object route's plain one, so for these paths the archive wins
/// even over an object an encoder uploaded at such a path (Ingest accepts <c>live/demo/archive/20261202T101500Z/x.m4s</c>;
/// Delivery never serves it). Every other path, <c>live/demo/archive/x.m4s</c> included, stays the object route's.
/// </summary>
internal sealed class ArchiveRouteConstraint : IRouteConstraint
{
    public const string Name = "archive";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string path && ArchiveTarget.HasArchiveShape(path);
}
