using BertNotebooks.Checkpoints;
using BertNotebooks.IO;
using TorchSharp;

namespace BertNotebooks.Modeling;

/// <summary>Reading and writing Hugging Face <c>save_pretrained</c> folders.</summary>
public sealed partial class BertForSequenceClassification
{
    const string Architecture = nameof(BertForSequenceClassification);

    /// <summary>
    /// Loads a save_pretrained folder (config.json + model.safetensors, or a sharded index).
    /// <paramref name="classNames"/> set num_labels and id2label; when their number differs from the checkpoint's, the
    /// classifier is new. <paramref name="configure"/> edits the config before the model is built (for example dropout
    /// probabilities). <paramref name="strict"/> null means strict exactly when the folder is a
    /// BertForSequenceClassification with the same number of labels; otherwise missing tensors (a new head, a pooler)
    /// are initialised the HF way and leftovers (pre-training heads) dropped, and the report lists both.
    /// </summary>
    public static (BertForSequenceClassification Model, LoadReport Report) FromPretrained(
        string folder, IReadOnlyList<string>? classNames = null, Action<BertConfig>? configure = null, torch.Device? device = null,
        bool? strict = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Checkpoint folder {folder} does not exist.");
        var config = BertConfig.Load(Path.Combine(folder, CheckpointFiles.Config));
        var checkpointLabels = config.NumLabels;
        var isClassifier = config.Architectures?.Contains(Architecture) == true;
        if (classNames is not null) config.ClassNames = classNames;
        configure?.Invoke(config);
        var exact = strict ?? (isClassifier && config.NumLabels == checkpointLabels);

        var checkpoint = CheckpointFiles.LoadStateDict(folder);
        var model = new BertForSequenceClassification(config);
        try
        {
            var report = StateDictLoader.Load(model, checkpoint, folder, exact,
                key => key.StartsWith("classifier.", StringComparison.Ordinal));
            if (device is not null) model.to(device);
            if (File.Exists(Path.Combine(folder, TokenizerFiles.Vocab))) model.TokenizerSource = folder;
            return (model, report);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in checkpoint.Values) t.Dispose();
        }
    }

    /// <summary>The folder whose vocab.txt the Trainer's checkpoints copy (<see cref="ISavePretrained"/>): the pretrained
    /// folder the model was loaded from, when it has one.</summary>
    public string? TokenizerSource { get; set; }

    /// <summary>The folder with the config's class names and <see cref="TokenizerSource"/>'s tokenizer files.</summary>
    void ISavePretrained.SavePretrained(string folder) => SavePretrained(folder, tokenizerSourceFolder: TokenizerSource);

    /// <summary>
    /// Writes a folder that transformers' <c>AutoModelForSequenceClassification.from_pretrained</c> and this class read:
    /// config.json, model.safetensors and, from <paramref name="tokenizerSourceFolder"/>'s vocab.txt, the tokenizer files.
    /// The folder appears complete or not at all.
    /// </summary>
    /// <param name="classNames">the labels in id order; null keeps the config's</param>
    public void SavePretrained(string folder, IReadOnlyList<string>? classNames = null, string? tokenizerSourceFolder = null)
    {
        var config = Config.Clone();
        if (classNames is not null)
        {
            if (classNames.Count != Config.NumLabels)
                throw new ArgumentException($"{classNames.Count} class names were given, " +
                    $"but the classifier has {Config.NumLabels} outputs.", nameof(classNames));
            config.ClassNames = classNames;
        }
        config.Architectures = [Architecture];
        config.ModelType = "bert";
        string? vocab = null;
        if (tokenizerSourceFolder is not null)
        {
            vocab = Path.Combine(tokenizerSourceFolder, TokenizerFiles.Vocab);
            if (!File.Exists(vocab))
                throw new FileNotFoundException($"Tokenizer folder {tokenizerSourceFolder} has no {TokenizerFiles.Vocab}.", vocab);
        }

        AtomicFile.WriteDirectory(folder, temp =>
        {
            config.Save(Path.Combine(temp, CheckpointFiles.Config));
            SafeTensors.Save(Path.Combine(temp, CheckpointFiles.Weights), state_dict(), SafeTensors.PyTorchMetadata);
            if (vocab is not null)
                TokenizerFiles.Write(temp, vocab, TokenizerFiles.ReadDoLowerCase(tokenizerSourceFolder!),
                    Math.Min(512, config.MaxPositionEmbeddings));
        });
    }
}
