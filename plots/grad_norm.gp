# grad_norm.gp - the exploding picture: the global gradient norm before
# clipping at every training step, one line per cell, the steps whose
# gradient clipping changed marked, the threshold drawn where clipping is
# by norm; one panel per clip mode.
# From rnnbench: data (columns run cell clip seed step grad_norm
# grad_norm_clipped clipped), output, formats, title, cells, clips, xmax,
# ymin, ymax.

# a panel is the clip mode, then ",KEY=VALUE" for each --panel key
clip_mode(p) = strstrt(p, ",") ? p[1:strstrt(p, ",") - 1] : p
threshold(p) = clip_mode(p)[1:5] eq "norm:" ? real(clip_mode(p)[6:]) : NaN
do for [fmt in formats] {
    eval "set terminal " . terminal(fmt, words(clips), 1 + key_rows(words(cells)))
    set output output . "." . fmt
    set multiplot layout 1, words(clips) title title noenhanced font ",13"
    set logscale y
    set format y "10^{%L}"
    set yrange [ymin:ymax]
    set xlabel "training step"
    set ylabel "gradient norm before clipping ||∇_θ L||" enhanced
    eval key_place(words(cells), "top right")
    do for [k = 1:words(clips)] {
        clip = word(clips, k)
        thr = threshold(clip)
        set xrange [0:real(word(xmax_by_clip, k))]
        set title "clipping: " . clip . (clip[1:6] eq "value:" ? " (each component)" : \
                  clip[1:5] eq "step:" ? " (dL/dh_t inside BPTT)" : "") . clip_note(clip) noenhanced
        plot for [c in cells] data using "step":(positive(pick("grad_norm", c, clip))) \
                 with lines lw 1 lc rgb cell_color(c) title cell_label(c), \
             for [c in cells] data using "step":(positive(pick("grad_norm", c, clip) * (column("clipped") > 0 ? 1 : NaN))) \
                 with points pt 7 ps 0.45 lc rgb cell_color(c) notitle, \
             for [c in cells] data using "step":(pick("diverged", c, clip) > 0 ? ymax : NaN) \
                 with points pt 2 ps 2 lw 2 lc rgb cell_color(c) notitle, \
             NaN with points pt 7 ps 0.6 lc rgb "#404040" title "step clipped", \
             NaN with points pt 2 ps 1.2 lw 2 lc rgb "#404040" title "diverged (not finite)", \
             thr with lines lw 1.2 lc rgb "#404040" dt 2 title (thr == thr ? sprintf("threshold %g", thr) : "")
        unset key
    }
    unset multiplot
}
