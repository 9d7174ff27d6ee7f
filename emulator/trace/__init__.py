"""Traces: a run's every variable and list write, recorded to a file and read back.

recorder.Recorder(runtime, sink)   hooks that write a trace (Tee runs it beside other hooks)
recorder.record_run(project, sink) run a project from the green flag, recording
cuts.write_cut(writer, cut)        a chunk's columns and snapshot from the logged writes
log_runs.LogRuns                   the write log's entries and loops' runs as runs.Runs
log_runs.LogPart                   a part of the log as logged, read as runs on the other side
value_columns.ValueColumns         values as columns (a tag each, numbers as float64) for a chunk
writer_process                     the same, in a second process, for long recordings
replay.Trace.open(path)            header, tables, chunk index; state_at(n), event(n),
                                   last_write_before(n, name, items), writes_to(name, item),
                                   cursor(n) -> Cursor: seek / forward / back; verify()
diff.diff(a, b)                    first divergence and end-of-run differences
render                             all of the above as text lines
format, codec                      the bytes (format.TraceError for a file that cannot be read)
deflate                            a chunk's zlib stream, random-looking stretches stored as they are
schema, layout                     the checks an untrusted file passes: every field, the chunks' order
"""
