# training_curves.gp - held-out loss against training step, the mean over
# seeds as a line and their min-max as a band, one line per cell; the
# task's memoryless baseline dashed; one panel per clip mode.
# From rnnbench: data (columns cell clip step runs loss_mean loss_min
# loss_max), output, formats, title, cells, clips, cell_label(c),
# clip_note(k), baseline, loss_label,
# xmax, ymin, ymax.

do for [fmt in formats] {
    eval "set terminal " . terminal(fmt, words(clips), 1 + key_rows(words(cells)))
    set output output . "." . fmt
    set multiplot layout 1, words(clips) title title noenhanced font ",13"
    set logscale y
    set format y "10^{%L}"
    set xrange [0:xmax]
    set yrange [ymin:ymax]
    set xlabel "training step"
    set ylabel "held-out loss (" . loss_label . ")"
    eval key_place(words(cells), "top right")
    do for [k = 1:words(clips)] {
        clip = word(clips, k)
        set title "clipping: " . clip . clip_note(clip) noenhanced
        plot for [c in cells] data using "step":(positive(pick("loss_min", c, clip))):(positive(pick("loss_max", c, clip))) \
                 with filledcurves lc rgb cell_color(c) notitle, \
             for [c in cells] data using "step":(positive(pick("loss_mean", c, clip))) \
                 with lines lw 2 lc rgb cell_color(c) title cell_label(c), \
             baseline with lines lw 1.2 lc rgb "#404040" dt 2 title "memoryless baseline"
        unset key
    }
    unset multiplot
}
