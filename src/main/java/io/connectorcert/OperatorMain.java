package io.connectorcert; public class OperatorMain { public static void main(String[] a){} }
