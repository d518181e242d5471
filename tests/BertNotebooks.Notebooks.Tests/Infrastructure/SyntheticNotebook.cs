using System.Text.Json;
using System.Text.Json.Nodes;

namespace BertNotebooks.Notebooks.Tests.Infrastructure;

/// <summary>Writes small .ipynb files the way VS Code's Polyglot Notebooks saves them, for tests of the runner.</summary>
public sealed class SyntheticNotebook
{
    readonly JsonArray _cells = [];

    public SyntheticNotebook Markdown(string text)
    {
        _cells.Add(new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = Lines(text) });
        return this;
    }

    public SyntheticNotebook Code(string code, params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]);
        _cells.Add(new JsonObject
        {
            ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = metadata, ["outputs"] = new JsonArray(),
            ["source"] = Lines(code),
        });
        return this;
    }

    /// <summary>Writes the notebook to <paramref name="path"/> (folders made as needed) and returns the path.</summary>
    public string WriteTo(string path)
    {
        var notebook = new JsonObject
        {
            ["cells"] = _cells.DeepClone(),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
                ["polyglot_notebook"] = new JsonObject
                {
                    ["kernelInfo"] = new JsonObject
                    {
                        ["defaultKernelName"] = "csharp",
                        ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                    },
                },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    /// <summary>.ipynb stores source as lines, each but the last ending in a newline.</summary>
    static JsonArray Lines(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        return new JsonArray([.. lines.Select((l, i) => JsonValue.Create(i < lines.Length - 1 ? l + "\n" : l))]);
    }
}
