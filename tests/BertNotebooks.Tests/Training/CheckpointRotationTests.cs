using BertNotebooks.Training;

namespace BertNotebooks.Tests.Training;

public sealed class CheckpointRotationTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("bertnb-rotate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string[] Make(params int[] steps) =>
        steps.Select(s => Directory.CreateDirectory(Path.Combine(_dir, $"checkpoint-{s}")).FullName).ToArray();

    [Fact]
    public void OldestAreDeletedButTheBestIsKept()
    {
        var made = Make(10, 20, 30, 40, 50);
        Directory.CreateDirectory(Path.Combine(_dir, "checkpoint-60.123.abc.tmp")); // an unfinished save is not a checkpoint
        CheckpointFolders.Rotate(_dir, saveTotalLimit: 2, bestModelCheckpoint: made[0]);
        Assert.Equal([made[0], made[4]], CheckpointFolders.List(_dir));
        Assert.Equal(made[4], CheckpointFolders.Resolve("latest", _dir));
    }

    [Fact]
    public void LimitOneKeepsTwoWhenTheBestIsNotTheNewest()
    {
        var made = Make(1, 2, 3);
        CheckpointFolders.Rotate(_dir, 1, made[1]);
        Assert.Equal([made[1], made[2]], CheckpointFolders.List(_dir));
        CheckpointFolders.Rotate(_dir, 1, made[2]);
        Assert.Equal([made[2]], CheckpointFolders.List(_dir));
    }

    [Fact]
    public void LatestWithoutCheckpointsSaysWhatToDo()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => CheckpointFolders.Resolve("latest", _dir));
        Assert.Contains("train without resume first", error.Message);
    }
}
