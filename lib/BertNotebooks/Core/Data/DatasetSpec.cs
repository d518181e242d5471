namespace BertNotebooks.Data;

/// <summary>The kinds of data a <see cref="DatasetSpec"/> reads.</summary>
public enum DatasetFormat { Newsgroups, Csv, Tsv, JsonLines, Folder }

/// <summary>
/// Which data to train on, as one value (and one string, for notebook parameters): <c>20newsgroups</c>, or a file or folder
/// with its format and columns, e.g. <c>reviews.csv?text=review&amp;label=stars&amp;validation=dev.csv</c>.
/// </summary>
public sealed record DatasetSpec
{
    public const string NewsgroupsName = "20newsgroups";

    public DatasetFormat Format { get; init; }

    /// <summary>The training file (or folder); for 20 Newsgroups, null.</summary>
    public string? Path { get; init; }

    /// <summary>An existing validation file; null: split one off the training data.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>An existing test file; null: no test set (20 Newsgroups always has its bydate test set).</summary>
    public string? TestPath { get; init; }

    /// <summary>The column (CSV, TSV) or field (JSON Lines) that holds the text.</summary>
    public string TextColumn { get; init; } = "text";

    public string LabelColumn { get; init; } = "label";

    /// <summary>The second text of a sentence pair, or null for single texts.</summary>
    public string? PairColumn { get; init; }

    /// <summary>20 Newsgroups only: these groups instead of all 20.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>20 Newsgroups only: which messages are split (All, the tutorial's way, or the bydate Train half).</summary>
    public NewsgroupsSubset Subset { get; init; } = NewsgroupsSubset.All;

    /// <summary>
    /// "Set LabelColumn to one of them: ..." with where a user sets it: the spec's <c>?label=</c> key, which the CLI's
    /// <c>--dataset</c>, the notebooks' <c>dataset</c> parameter and the runner's <c>-p dataset=</c> all take.
    /// </summary>
    internal static string HowToSetColumn(string option)
    {
        var key = option.Replace("Column", "", StringComparison.Ordinal).ToLowerInvariant(); // TextColumn → text
        return $"Set {option} to one of them: " +
            $"add ?{key}=NAME to the dataset (bertnb train --dataset 'FILE?{key}=NAME', bertnb-run -p dataset='FILE?{key}=NAME').";
    }

    public static DatasetSpec Newsgroups20(IReadOnlyList<string>? categories = null) =>
        new() { Format = DatasetFormat.Newsgroups, Categories = categories };

    public static DatasetSpec Csv(string path, string textColumn = "text", string labelColumn = "label", string? pairColumn = null,
        string? validationPath = null, string? testPath = null) =>
        Table(DatasetFormat.Csv, path, textColumn, labelColumn, pairColumn, validationPath, testPath);

    public static DatasetSpec Tsv(string path, string textColumn = "text", string labelColumn = "label", string? pairColumn = null,
        string? validationPath = null, string? testPath = null) =>
        Table(DatasetFormat.Tsv, path, textColumn, labelColumn, pairColumn, validationPath, testPath);

    public static DatasetSpec JsonLines(string path, string textField = "text", string labelField = "label", string? pairField = null,
        string? validationPath = null, string? testPath = null) =>
        Table(DatasetFormat.JsonLines, path, textField, labelField, pairField, validationPath, testPath);

    /// <summary><c>root/&lt;label&gt;/*.txt</c>; validation and test, when given, are folders of the same shape.</summary>
    public static DatasetSpec Folder(string path, string? validationPath = null, string? testPath = null) =>
        new() { Format = DatasetFormat.Folder, Path = path, ValidationPath = validationPath, TestPath = testPath };

    static DatasetSpec Table(DatasetFormat format, string path, string text, string label, string? pair, string? validation,
        string? test) =>
        new()
        {
            Format = format, Path = path, TextColumn = text, LabelColumn = label, PairColumn = pair,
            ValidationPath = validation, TestPath = test
        };

    /// <summary>
    /// <c>20newsgroups[?categories=a,b]</c>, or
    /// <c>PATH[?format=csv|tsv|jsonl|folder&amp;text=..&amp;label=..&amp;pair=..&amp;validation=PATH&amp;test=PATH]</c>.
    /// Without <c>format</c>, the extension decides (.csv, .tsv, .jsonl) or, for a folder, folder-per-class.
    /// </summary>
    public static DatasetSpec Parse(string spec)
    {
        var question = spec.IndexOf('?');
        var target = (question < 0 ? spec : spec[..question]).Trim();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (question >= 0)
            foreach (var pair in spec[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) throw new FormatException($"Dataset spec '{spec}': '{pair}' is not key=value.");
                options[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }

        if (target.Equals(NewsgroupsName, StringComparison.OrdinalIgnoreCase))
        {
            Allow(spec, options, "categories", "subset");
            var subset = options.TryGetValue("subset", out var s) ? SubsetNamed(s, spec) : NewsgroupsSubset.All;
            return Newsgroups20(options.TryGetValue("categories", out var c)
                ? c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : null) with
            {
                Subset = subset
            };
        }
        if (target.Length == 0) throw new FormatException($"Dataset spec '{spec}' names no file: write {NewsgroupsName} or a path.");
        Allow(spec, options, "format", "text", "label", "pair", "validation", "test");
        var format = options.TryGetValue("format", out var f) ? FormatNamed(f, spec) : FormatOf(target, spec);
        return new DatasetSpec
        {
            Format = format,
            Path = target,
            TextColumn = options.GetValueOrDefault("text", "text"),
            LabelColumn = options.GetValueOrDefault("label", "label"),
            PairColumn = options.GetValueOrDefault("pair"),
            ValidationPath = options.GetValueOrDefault("validation"),
            TestPath = options.GetValueOrDefault("test"),
        };
    }

    static NewsgroupsSubset SubsetNamed(string name, string spec) => name.ToLowerInvariant() switch
    {
        "all" => NewsgroupsSubset.All,
        "train" => NewsgroupsSubset.Train,
        _ => throw new FormatException($"Dataset spec '{spec}': subset '{name}' is not all or train."),
    };

    /// <summary>The string <see cref="Parse"/> reads back into this spec.</summary>
    public override string ToString()
    {
        var options = new List<string>();
        if (Format == DatasetFormat.Newsgroups)
        {
            if (Categories is not null) options.Add($"categories={string.Join(',', Categories)}");
            if (Subset != NewsgroupsSubset.All) options.Add($"subset={Subset.ToString().ToLowerInvariant()}");
            return options.Count == 0 ? NewsgroupsName : $"{NewsgroupsName}?{string.Join('&', options)}";
        }
        options.Add($"format={FormatName(Format)}");
        if (Format != DatasetFormat.Folder)
        {
            options.Add($"text={TextColumn}");
            options.Add($"label={LabelColumn}");
            if (PairColumn is not null) options.Add($"pair={PairColumn}");
        }
        if (ValidationPath is not null) options.Add($"validation={ValidationPath}");
        if (TestPath is not null) options.Add($"test={TestPath}");
        return $"{Path}?{string.Join('&', options)}";
    }

    /// <summary>Reads the data and returns train, validation and (when there is one) test.</summary>
    public DatasetSplits Load(DatasetLoadOptions? options = null)
    {
        options ??= new DatasetLoadOptions();
        if (Format == DatasetFormat.Newsgroups)
        {
            var newsgroups = options.Newsgroups ?? new NewsgroupsOptions();
            newsgroups = newsgroups with { Categories = Categories ?? newsgroups.Categories, Subset = Subset };
            return Data.Newsgroups.LoadSplits(options.Split, newsgroups);
        }
        ILabelledRowReader reader = Format switch
        {
            DatasetFormat.Csv => new DelimitedFileReader(',', TextColumn, LabelColumn, PairColumn),
            DatasetFormat.Tsv => new DelimitedFileReader('\t', TextColumn, LabelColumn, PairColumn),
            DatasetFormat.JsonLines => new JsonLinesFileReader(TextColumn, LabelColumn, PairColumn),
            _ => PairColumn is null
                ? new FolderPerClassReader()
                : throw new ArgumentException("Folder datasets hold single texts; PairColumn must be null."),
        };
        var problems = new RowProblems(options.SkipBadRows);
        // Relative paths start where the user stands (BertPaths.WorkingDir), also when a runner runs the notebook elsewhere.
        var trainPath = BertPaths.UserPath(Path ?? throw new ArgumentException($"A {Format} dataset needs a Path."));
        var train = reader.Read(trainPath, problems);
        var validation = ValidationPath is null ? null : reader.Read(BertPaths.UserPath(ValidationPath), problems);
        var test = TestPath is null ? null : reader.Read(BertPaths.UserPath(TestPath), problems);
        return LabelledDatasetBuilder.Build(trainPath, train, validation, test, options.Split, problems);
    }

    static void Allow(string spec, Dictionary<string, string> options, params string[] keys)
    {
        var unknown = options.Keys.Where(k => !keys.Contains(k, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (unknown.Length > 0)
            throw new FormatException($"Dataset spec '{spec}': unknown option {string.Join(", ", unknown)}; " +
                $"the options here are {string.Join(", ", keys)}.");
    }

    static DatasetFormat FormatOf(string path, string spec)
    {
        if (Directory.Exists(BertPaths.UserPath(path))) return DatasetFormat.Folder;
        return System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => DatasetFormat.Csv,
            ".tsv" or ".tab" => DatasetFormat.Tsv,
            ".jsonl" or ".ndjson" => DatasetFormat.JsonLines,
            _ => throw new FormatException(
                $"Dataset spec '{spec}': cannot tell the format of {path} from its extension; add ?format=csv, tsv, jsonl or folder " +
                $"(or check the path: {(File.Exists(path) ? "it exists" : "it does not exist")})."),
        };
    }

    static DatasetFormat FormatNamed(string name, string spec) => name.ToLowerInvariant() switch
    {
        "csv" => DatasetFormat.Csv,
        "tsv" => DatasetFormat.Tsv,
        "jsonl" or "jsonlines" => DatasetFormat.JsonLines,
        "folder" => DatasetFormat.Folder,
        _ => throw new FormatException($"Dataset spec '{spec}': unknown format '{name}'; use csv, tsv, jsonl or folder."),
    };

    static string FormatName(DatasetFormat format) => format switch
    {
        DatasetFormat.Csv => "csv",
        DatasetFormat.Tsv => "tsv",
        DatasetFormat.JsonLines => "jsonl",
        _ => "folder",
    };
}
