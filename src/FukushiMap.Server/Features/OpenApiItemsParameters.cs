using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FukushiMap.Server.Features;

/// <summary>
/// Gives the items parameters their OGC schemas in the OpenAPI document. They are bound as text (so that bad values get a
/// Japanese problem detail), but clients such as GDAL read <c>limit</c>'s maximum and <c>bbox</c>'s form from the document.
/// </summary>
internal static class OpenApiItemsParameters
{
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Parameters is null)
        {
            return Task.CompletedTask;
        }
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            switch (parameter.Name)
            {
                case "limit":
                    parameter.Style = ParameterStyle.Form;
                    parameter.Explode = false;
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Minimum = "1",
                        Maximum = ItemsRequest.MaxLimit.ToString(CultureInfo.InvariantCulture),
                        Default = JsonValue.Create(ItemsRequest.DefaultLimit),
                    };
                    break;
                case "offset":
                    parameter.Style = ParameterStyle.Form;
                    parameter.Explode = false;
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0", Default = JsonValue.Create(0) };
                    break;
                case "bbox":
                    parameter.Style = ParameterStyle.Form;
                    parameter.Explode = false;
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        MinItems = 4,
                        MaxItems = 4,
                        Items = new OpenApiSchema { Type = JsonSchemaType.Number },
                    };
                    break;
                case "f":
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Enum = [JsonValue.Create("json")],
                        Default = JsonValue.Create("json"),
                    };
                    break;
            }
        }
        return Task.CompletedTask;
    }
}
