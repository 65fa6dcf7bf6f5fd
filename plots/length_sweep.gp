# length_sweep.gp - what each cell and clip mode achieves as the time lag
# grows: the final held-out loss over the task's memoryless baseline (below
# 1 beats it; mean over seeds, bars min to max), and the fractions of seeds
# that solved the task (filled circles, joined; bars its 95% Wilson score
# interval) and that diverged (open triangles: their loss is missing from
# the left panel). Colour: cell; dash: clip mode; lines are drawn a
# little apart in T so that equal ones stay visible.
# From rnnbench: data (columns cell clip seq_len runs loss_mean loss_min
# loss_max baseline ratio_mean ratio_min ratio_max solved_frac
# diverged_frac solved_lo solved_hi), output,
# formats, title, cells, clips, lengths, ymin, ymax.

# Lines side by side, a little apart, so that equal values stay visible.
Tmin = real(word(lengths, 1)); Tmax = real(word(lengths, words(lengths)))
lines = words(cells) * words(clips)
dodge(i, k) = ((i - 1) * words(clips) + k - (lines + 1) / 2.0) * 0.006 * (Tmax - Tmin)
do for [fmt in formats] {
    eval "set terminal " . terminal(fmt, 2, 1 + key_rows(words(cells) * words(clips)))
    set output output . "." . fmt
    set multiplot layout 1, 2 title title noenhanced font ",13"
    set xlabel "time lag T (steps)"
    set xtics ()
    do for [T in lengths] { eval "set xtics add ('" . T . "' " . T . ")" }
    set xrange [Tmin - 0.06 * (Tmax - Tmin) : Tmax + 0.06 * (Tmax - Tmin)]
    eval key_place(words(cells) * words(clips), "top left")
    set title "final held-out loss / baseline (mean, min-max over seeds)"
    if (ymax / ymin < 10) { unset logscale y } else { set logscale y }   # near 1: linear
    set format y "%g"
    set yrange [ymin:ymax]
    set ylabel "loss / memoryless baseline"
    plot for [i = 1:words(cells)] for [k = 1:words(clips)] data \
             using (column("seq_len") + dodge(i, k)):(positive(pick("ratio_mean", word(cells, i), word(clips, k)))): \
                   (positive(pick("ratio_min", word(cells, i), word(clips, k)))): \
                   (positive(pick("ratio_max", word(cells, i), word(clips, k)))) \
             with yerrorbars lw 1 pt 7 ps 0.6 lc rgb cell_color(word(cells, i)) notitle, \
         for [i = 1:words(cells)] for [k = 1:words(clips)] data \
             using (column("seq_len") + dodge(i, k)):(positive(pick("ratio_mean", word(cells, i), word(clips, k)))) \
             with lines lw 2 lc rgb cell_color(word(cells, i)) dt clip_dash(k) \
             title cell_label(word(cells, i)) . ", clipping " . word(clips, k), \
         1 with lines lw 1.2 lc rgb "#404040" dt 2 title "baseline"
    set title "seeds that solved the task (bars: 95% Wilson interval) and that diverged"
    unset logscale y
    set format y "%g"
    set yrange [-0.03:1.03]
    set ylabel "fraction of seeds"
    eval key_place(words(cells) * words(clips), "center right")
    plot for [i = 1:words(cells)] for [k = 1:words(clips)] data \
             using (column("seq_len") + dodge(i, k)):(pick("solved_frac", word(cells, i), word(clips, k))) \
             with linespoints lw 2 pt 7 ps 0.6 lc rgb cell_color(word(cells, i)) dt clip_dash(k) notitle, \
         for [i = 1:words(cells)] for [k = 1:words(clips)] data \
             using (column("seq_len") + dodge(i, k)):(pick("solved_frac", word(cells, i), word(clips, k))): \
                   (pick("solved_lo", word(cells, i), word(clips, k))):(pick("solved_hi", word(cells, i), word(clips, k))) \
             with yerrorbars lw 0.8 pt 7 ps 0.6 lc rgb cell_color(word(cells, i)) notitle, \
         for [i = 1:words(cells)] for [k = 1:words(clips)] data \
             using (column("seq_len") + dodge(i, k)):(v = pick("diverged_frac", word(cells, i), word(clips, k)), v > 0 ? v : NaN) \
             with points pt 8 ps 1.4 lw 1.5 lc rgb cell_color(word(cells, i)) notitle, \
         NaN with linespoints lw 2 pt 7 ps 0.6 lc rgb "#404040" title "solved", \
         NaN with points pt 8 ps 1.4 lw 1.5 lc rgb "#404040" title "diverged"
    unset multiplot
}
